"""The training app's tables, by subject: courses and their sessions, enrolment and
attendance, quizzes, needs surveys, and the gap rules that turn a record into advice."""

from .courses import Course, CourseSession, Format, Topic, Track
from .enrolment import Attendance, Enrollment, Source
from .gaps import GapRule
from .quizzes import Choice, Question, QuestionKind, Quiz, QuizAttempt
from .surveys import (
    Survey,
    SurveyAnswer,
    SurveyOption,
    SurveyQuestion,
    SurveyQuestionKind,
    SurveyResponse,
)

__all__ = [
    "Attendance",
    "Choice",
    "Course",
    "CourseSession",
    "Enrollment",
    "Format",
    "GapRule",
    "Question",
    "QuestionKind",
    "Quiz",
    "QuizAttempt",
    "Source",
    "Survey",
    "SurveyAnswer",
    "SurveyOption",
    "SurveyQuestion",
    "SurveyQuestionKind",
    "SurveyResponse",
    "Topic",
    "Track",
]
