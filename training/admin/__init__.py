"""The training app's admin (the clerk's workbench), by subject."""

from . import courses, enrolment, gaps, links, quizzes, surveys  # noqa: F401 - registers the admins
