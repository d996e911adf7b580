"""Issue #10's "done when", through the pages: a new deputy sees a basics course recommended
with the reason, enrols, attends (staff's sign-in sheet), passes the quiz, sees the hours in
the archive and B05 once in the ledger; the organisers' report shows the rates; an imported
sheet gives the expected training_report."""

import csv
import datetime
import io

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from performance.models import LedgerEntry
from tests.accounts.factories import StaffUserFactory
from tests.deputies.factories import DeputyFactory, DeputyWithUserFactory
from tests.performance.factories import rule_set
from tests.training.factories import CourseFactory, CourseSessionFactory
from tests.training.test_quizzes import build_quiz
from training.forms_quizzes import field_name
from training.models import Track

pytestmark = pytest.mark.django_db


def _at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(2)), tick=False)


def test_a_new_deputy_from_recommendation_to_b05(client):
    rule_set(2026)
    deputy = DeputyWithUserFactory()  # first elected this term: new
    staff = StaffUserFactory()
    course = CourseFactory(title="新任代表履职基础", track=Track.BASICS, for_new=True)
    session = CourseSessionFactory(course=course, date=datetime.date(2026, 6, 10))
    t = build_quiz(course=course, pass_mark=60, max_attempts=2)

    with _at(datetime.date(2026, 6, 1)):
        client.force_login(deputy.user)
        home = client.get(reverse("training:home")).content.decode()
        assert "新任代表履职基础" in home and "面向新任代表" in home
        client.post(reverse("training:enrol", args=[course.pk]))

    with _at(datetime.date(2026, 6, 10)):
        client.force_login(staff)
        url = reverse("training:attendance", args=[session.pk])
        assert client.post(url, {"deputies": [deputy.pk]}).status_code == 302

    with _at(datetime.date(2026, 6, 11)):
        client.force_login(deputy.user)
        answers = {
            field_name(t.q1): t.c["a"].pk,
            field_name(t.q2): [t.c["c"].pk, t.c["d"].pk],
            field_name(t.q3): t.c["g"].pk,
        }
        response = client.post(reverse("training:quiz", args=[course.pk]), answers)
        assert response.status_code == 302
        archive = client.get(reverse("training:archive")).content.decode()
        assert "新任代表履职基础" in archive and "3.0" in archive

        b05 = LedgerEntry.objects.filter(deputy=deputy, rule__code="B05")
        assert b05.count() == 1 and b05.get().occurred_on == datetime.date(2026, 6, 11)

        client.force_login(staff)
        report = client.get(reverse("training:course_report", args=[course.pk])).content.decode()
        assert "1/1 = 100.0%" in report


def test_an_imported_sheet_gives_the_expected_report(tmp_path):
    rule_set(2026)
    DeputyFactory(code="E001", name="甲")
    DeputyFactory(code="E002", name="乙")
    sheet = tmp_path / "attendance.csv"
    sheet.write_text(
        "代表编号,课程,类别,形式,日期,学时\n"
        "E001,建议撰写,基础履职,讲座,2026-03-10,3\n"
        "E001,预算审查,专题提升,研修班,2026-04-10,6\n"
        "E001,预算审查,专题提升,研修班,2026-04-11,2.5\n"
        "E002,接待演练,实践攻坚,情景模拟,2026-05-01,1.5\n",
        encoding="utf-8",
    )
    with _at(datetime.date(2026, 6, 1)):
        call_command("import_training", str(sheet), "--create-missing", stdout=io.StringIO())
        out = tmp_path / "report.csv"
        call_command("training_report", "--year", "2026", "--output", str(out))
    with out.open(encoding="utf-8-sig") as report:
        assert next(report).startswith(settings.LVZHI_COMMITTEE_NAME)  # the title line
        rows = {r["deputy_code"]: r for r in csv.DictReader(report)}
    assert rows["E001"]["basics_hours"] == "3.0" and rows["E001"]["topical_hours"] == "8.5"
    assert rows["E001"]["total_hours"] == "11.5" and rows["E001"]["courses_attended"] == "2"
    assert rows["E002"]["practice_hours"] == "1.5" and rows["E002"]["courses_attended"] == "1"
