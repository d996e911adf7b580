"""Import of the attendance sheets committees already keep (培训签到表), on ``core.importing``.

One row per attended session: 代表编号 (deputy_code), 课程 (course, by title), 类别 (track, by
label or code), 形式 (format, optional), 日期 (date), 学时 (hours). A course is the one of that
title in the year of the row's date; an unknown course is a row error unless
``create_missing`` (then it is created unpublished, with the row's track and format), and a
course whose track differs from the row's is a row error, since the sheet and the catalogue
would then disagree about which hours count where.

Each row makes sure of the session (course, date), the deputy's enrolment (source "import",
seat taken under capacity like ``course_enrol``) and adds the attendance at the row's hours.
Afterwards completion and B05 follow for every enrolment the file touched. Every row or none:
a refused file and a dry run leave nothing behind, courses created on the way included.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core import clock
from core.importing import Importer, RowForm, SheetChoiceField, SheetDateField
from core.tabular import Column, ImportResult, Row, RowError
from deputies.models import Deputy, Status

from .models import Attendance, Course, CourseSession, Enrollment, Format, Source, Track
from .services import TrainingError
from .services.common import staff_required
from .services.completion import completion_refresh
from .services.enrolment import ERR_FULL, check_hours, seats_take

COLUMNS = [
    Column("deputy_code", (gettext_noop("代表编号"), "编号"), required=True),
    Column("course", (gettext_noop("课程"), "课程名称"), required=True),
    Column("track", (gettext_noop("类别"), "课程类别"), required=True),
    Column("format", (gettext_noop("形式"), "培训形式")),
    Column("date", (gettext_noop("日期"), "培训日期", "上课日期"), required=True),
    Column("hours", (gettext_noop("学时"),), required=True),
]
FIRST_YEAR = 2000  # the course table's plausible years (a check constraint)
BATCH = 1000

ERR_UNKNOWN_DEPUTY = gettext_noop("找不到代表编号 %(code)s。")
ERR_NOT_IN_OFFICE = gettext_noop(
    "%(deputy)s 自 %(since)s 起已不在任（%(status)s），不能登记这一天的培训。"
)
ERR_UNKNOWN_COURSE = gettext_noop(
    "找不到 %(year)d 年度的课程“%(title)s”（可用 --create-missing 自动创建）。"
)
ERR_TITLE_TOO_LONG = gettext_noop("课程名称不能超过 %(n)d 个字。")
ERR_TRACK_DIFFERS = gettext_noop("课程“%(title)s”的类别是“%(track)s”，与本行的“%(given)s”不符。")
ERR_DATE_TOO_EARLY = gettext_noop("日期不合理（早于 %(year)d 年）。")
ERR_DUPLICATE_IN_FILE = gettext_noop("与第 %(other)d 行重复（同一代表、课程和日期）。")
ERR_ALREADY_RECORDED = gettext_noop("已登记过该代表 %(date)s 参加“%(title)s”的出勤。")
ERR_SEATS_GONE = gettext_noop(
    "导入过程中有人报名，部分课程名额已满，未导入任何记录，请重新检查后再导入。"
)
SUMMARY = gettext_noop(
    "其中新建课程 %(courses)d 门、课次 %(sessions)d 个、报名 %(enrollments)d 人次，"
    "结业 %(completed)d 人次。"
)


class HoursField(forms.Field):
    """学时 with the rules of ``check_hours`` (> 0, ≤ 12, at most one decimal), so a sheet
    and the attendance page refuse the same numbers with the same words."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return check_hours(value)
        except TrainingError as exc:
            raise ValidationError(str(exc)) from exc


class AttendanceRowForm(RowForm):
    deputy_code = forms.CharField()
    course = forms.CharField()
    track = SheetChoiceField(Track)
    format = SheetChoiceField(Format, required=False)
    date = SheetDateField()
    hours = HoursField()

    empty_cells_say_empty = True

    def clean(self):
        data = super().clean()
        self.not_in_future("date")
        day = data.get("date")
        if day and day.year < FIRST_YEAR:
            self.add_error("date", _(ERR_DATE_TOO_EARLY) % {"year": FIRST_YEAR})
        return data


@dataclass
class AttendanceLine:
    """One good row: the course may still be unsaved (``create_missing``)."""

    line: int
    deputy: Deputy
    course: Course
    date: date
    hours: Decimal


def in_office_on(deputy: Deputy, day: date) -> bool:
    """``Deputy.objects.serving_on(day)`` for one loaded deputy, without a query per row:
    serving, or left after ``day``, or the term ended that very day."""
    return (
        deputy.status == Status.SERVING
        or (deputy.status_date is not None and deputy.status_date > day)
        or (deputy.status == Status.TERM_ENDED and deputy.status_date == day)
    )


class AttendanceImporter(Importer):
    columns = COLUMNS
    audit_action = "training.attendance.import"
    audit_summary = gettext_noop("导入培训出勤 %(created)d 条")
    success_message = gettext_noop("已导入 %(created)d 条培训出勤记录。")

    def __init__(self, *, create_missing: bool = False, now: datetime | None = None, **kwargs: Any):
        if now is not None and kwargs.get("today") is None:
            kwargs["today"] = clock.day_of(now)
        super().__init__(**kwargs)
        self.create_missing = create_missing
        self.now = now or clock.now()
        self.deputies: dict[str, Deputy] = {}
        self.courses: dict[tuple[str, int], Course] = {}
        self.sessions: dict[tuple[int, date], CourseSession] = {}
        self.enrollments: dict[tuple[int, int], Enrollment] = {}
        self.attended: set[tuple[int, int, date]] = set()
        self.seen: dict[tuple[int, str, int, date], int] = {}
        self.made: dict[str, int] = {}

    def run(self, *, source, filename: str = "", dry_run: bool = False) -> ImportResult:
        """Only staff (or the system, for the command) bring attendance in."""
        try:
            staff_required(self.actor)
        except TrainingError as exc:
            return ImportResult(dry_run=dry_run, errors=[RowError(None, str(exc))])
        return super().run(source=source, filename=filename, dry_run=dry_run)

    # --- reading --------------------------------------------------------------------------------

    def prepare(self, rows: list[Row]) -> None:
        """Five queries whatever the number of rows: the deputies and courses named, and the
        sessions, enrolments and attendance already recorded for them."""

        def texts(column: str) -> set[str]:
            return {str(r.get(column) or "").strip() for r in rows} - {""}

        self.deputies = {d.code: d for d in Deputy.objects.filter(code__in=texts("deputy_code"))}
        self.courses = {
            (c.title, c.year): c for c in Course.objects.filter(title__in=texts("course"))
        }
        course_ids = [c.pk for c in self.courses.values()]
        deputy_ids = [d.pk for d in self.deputies.values()]
        self.sessions = {
            (s.course_id, s.date): s for s in CourseSession.objects.filter(course_id__in=course_ids)
        }
        self.enrollments = {
            (e.course_id, e.deputy_id): e
            for e in Enrollment.objects.filter(course_id__in=course_ids, deputy_id__in=deputy_ids)
        }
        self.attended = set(
            Attendance.objects.filter(
                enrollment__course_id__in=course_ids, enrollment__deputy_id__in=deputy_ids
            ).values_list("enrollment__course_id", "enrollment__deputy_id", "session__date")
        )

    def parse_row(self, row: Row) -> AttendanceLine | None:
        form = AttendanceRowForm.for_row(row, today=self.today)
        if not form.is_valid():
            self.form_errors(row.line, form)
            return None
        data = form.cleaned_data
        deputy = self._deputy(row.line, data["deputy_code"], data["date"])
        course = self._course(row.line, data)
        if deputy is None or course is None:
            return None
        key = (deputy.pk, course.title, course.year, data["date"])
        if key in self.seen:
            message = _(ERR_DUPLICATE_IN_FILE) % {"other": self.seen[key]}
            self.error(row.line, message, "date")
            return None
        self.seen[key] = row.line
        if (course.pk, deputy.pk, data["date"]) in self.attended:
            message = _(ERR_ALREADY_RECORDED) % {"date": data["date"], "title": course.title}
            self.error(row.line, message, "date")
            return None
        return AttendanceLine(row.line, deputy, course, data["date"], data["hours"])

    def _deputy(self, line: int, code: str, day: date) -> Deputy | None:
        deputy = self.deputies.get(code)
        if deputy is None:
            self.error(line, _(ERR_UNKNOWN_DEPUTY) % {"code": code}, "deputy_code")
        elif not in_office_on(deputy, day):
            message = _(ERR_NOT_IN_OFFICE) % {
                "deputy": deputy,
                "since": deputy.status_date,
                "status": deputy.get_status_display(),
            }
            self.error(line, message, "deputy_code")
            return None
        return deputy

    def _course(self, line: int, data: dict) -> Course | None:
        """The course of that title in the date's year; with ``create_missing`` an unknown one
        is made here, unsaved, so later rows of the same course agree with it."""
        title, year, track = data["course"], data["date"].year, data["track"]
        course = self.courses.get((title, year))
        if course is None:
            limit = Course._meta.get_field("title").max_length
            if not self.create_missing:
                message = _(ERR_UNKNOWN_COURSE) % {"year": year, "title": title}
                self.error(line, message, "course")
                return None
            if len(title) > limit:
                self.error(line, _(ERR_TITLE_TOO_LONG) % {"n": limit}, "course")
                return None
            course = Course(title=title, year=year, track=track, is_published=False)
            self.courses[(title, year)] = course
        if course.track != track:
            message = _(ERR_TRACK_DIFFERS) % {
                "title": title,
                "track": course.get_track_display(),
                "given": Track(track).label,
            }
            self.error(line, message, "track")
            return None
        if course.pk is None and not course.format and data["format"]:
            course.format = data["format"]
        return course

    def check(self, parsed: list[AttendanceLine]) -> None:
        """Capacity: each deputy not yet enrolled needs a seat; rows past the seats left are
        refused in sheet order, as enrolments one by one would have been."""
        left: dict[int, int] = {}
        seated: set[tuple[int, int]] = set()
        for p in parsed:
            course = p.course
            key = (course.pk, p.deputy.pk)
            if course.pk is None or course.capacity is None or key in self.enrollments:
                continue
            if key in seated:
                continue
            left.setdefault(course.pk, course.seats_left or 0)
            if left[course.pk] <= 0:
                self.error(p.line, _(ERR_FULL) % {"course": course.title}, "course")
                continue
            left[course.pk] -= 1
            seated.add(key)

    # --- writing --------------------------------------------------------------------------------

    def write(self, parsed: list[AttendanceLine], result: ImportResult) -> None:
        """A fixed number of statements however many rows (bulk inserts in batches of
        ``BATCH``): the new courses, enrolments, sessions and attendance, one conditional
        UPDATE for the seats, then completion for every enrolment whose course or attendance
        changed."""
        new_courses = self._create_courses(parsed)
        new_enrollments = self._create_enrollments(parsed, new_courses)
        if new_enrollments is None:
            self.error(None, _(ERR_SEATS_GONE))
            return
        new_sessions = self._create_sessions(parsed)
        attendances = [
            Attendance(
                enrollment=self.enrollments[(p.course.pk, p.deputy.pk)],
                session=self.sessions[(p.course.pk, p.date)],
                hours=p.hours,
                source=Source.IMPORT,
                recorded_by=self._recorder(),
                recorded_at=self.now,
            )
            for p in parsed
        ]
        Attendance.objects.bulk_create(attendances, batch_size=BATCH)
        result.created = len(attendances)
        # A session new to a course changes what "every session attended" means for everyone
        # enrolled in it, not only for the deputies of this sheet.
        touched = {a.enrollment_id for a in attendances} | set(
            Enrollment.objects.filter(
                course_id__in={s.course_id for s in new_sessions}
            ).values_list("pk", flat=True)
        )
        try:
            completed, _undone = completion_refresh(
                enrollments=[Enrollment(pk=pk) for pk in touched],
                actor=self.actor,
                today=self.today,
            )
        except TrainingError as exc:
            self.error(None, str(exc))
            return
        self.made = {
            "courses": len(new_courses),
            "sessions": len(new_sessions),
            "enrollments": len(new_enrollments),
            "completed": completed,
        }

    def _recorder(self) -> User | None:
        return self.actor if getattr(self.actor, "is_authenticated", False) else None

    def _create_courses(self, parsed: list[AttendanceLine]) -> set[int]:
        """Save the courses ``create_missing`` made while parsing, each counting the seats of
        the deputies the sheet enrols in it (no capacity: nobody set one yet)."""
        new = {id(p.course): p.course for p in parsed if p.course.pk is None}
        deputies = {(id(p.course), p.deputy.pk) for p in parsed if p.course.pk is None}
        seats = Counter(course_key for course_key, _deputy in deputies)
        for key, course in new.items():
            course.enrolled_count = seats[key]
        Course.objects.bulk_create(new.values())
        return {course.pk for course in new.values()}

    def _create_enrollments(
        self, parsed: list[AttendanceLine], new_courses: set[int]
    ) -> list[Enrollment] | None:
        """The enrolments the sheet implies, their seats taken first; ``None`` when a
        concurrent enrolment took seats the check counted on."""
        new: dict[tuple[int, int], Enrollment] = {}
        for p in parsed:
            key = (p.course.pk, p.deputy.pk)
            if key not in self.enrollments and key not in new:
                new[key] = Enrollment(
                    course=p.course,
                    deputy=p.deputy,
                    source=Source.IMPORT,
                    enrolled_at=self.now,
                    enrolled_by=self._recorder(),
                )
        needed = Counter(course_id for course_id, _deputy in new if course_id not in new_courses)
        if not seats_take(needed):
            return None
        Enrollment.objects.bulk_create(new.values(), batch_size=BATCH)
        self.enrollments.update(new)
        return list(new.values())

    def _create_sessions(self, parsed: list[AttendanceLine]) -> list[CourseSession]:
        """Sessions the catalogue lacks, at the hours of the first row that names them."""
        new: dict[tuple[int, date], CourseSession] = {}
        for p in parsed:
            key = (p.course.pk, p.date)
            if key not in self.sessions and key not in new:
                new[key] = CourseSession(course=p.course, date=p.date, hours=p.hours)
        CourseSession.objects.bulk_create(new.values(), batch_size=BATCH)
        self.sessions.update(new)
        return list(new.values())

    # --- reporting ------------------------------------------------------------------------------

    def message(self, result: ImportResult) -> str:
        """The framework's line, plus what the sheet created besides attendance."""
        text = super().message(result)
        if result.ok and self.made:
            text += _(SUMMARY) % self.made
        return text

    def template_rows(self) -> list[list[Any]]:
        day = self.today.isoformat()
        return [
            ["D001", _("如何撰写高质量建议"), _("基础履职"), _("讲座"), day, "2.5"],
            ["D002", _("基层立法联系点现场教学"), _("实践攻坚"), _("现场教学"), day, "3"],
        ]


def attendance_import(
    *,
    source: str | Path | IO[bytes],
    filename: str = "",
    create_missing: bool = False,
    actor: User | None = None,
    today: date | None = None,
    now: datetime | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Bring in an attendance sheet, all rows or none (see the module docstring)."""
    importer = AttendanceImporter(actor=actor, today=today, now=now, create_missing=create_missing)
    return importer.run(source=source, filename=filename, dry_run=dry_run)
