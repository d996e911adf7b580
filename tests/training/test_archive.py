"""The learning archive: hours by year and track, completed and current courses, quiz results,
the pages and PDFs for each role, the PDF's content, and a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.deputies.factories import DeputyWithUserFactory
from tests.training.factories import (
    NOW,
    AttendanceFactory,
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    QuizFactory,
)
from training.models import Format, QuizAttempt, Track
from training.pdf import archive_pdf
from training.selectors_archive import learning_archive

pytestmark = pytest.mark.django_db
PINNED = datetime.datetime(2026, 6, 1, 2, 30, tzinfo=datetime.UTC)  # 10:30 in Shanghai
OWN_PAGES = ["training:archive", "training:archive_pdf"]
STAFF_PAGES = ["training:deputy_archive", "training:deputy_archive_pdf"]


def _attend(enrollment, day, hours):
    session = CourseSessionFactory(course=enrollment.course, date=day, hours=Decimal(hours))
    return AttendanceFactory(enrollment=enrollment, session=session, hours=Decimal(hours))


def _record(deputy, tag="甲"):
    """2025: basics 3 + 2.5, practice 4. 2026: basics 1.5, topical 6 (two sessions), practice
    none. The 2025 basics course is completed; the 2026 topical one has a third session not
    attended, and a quiz tried twice (best 75, passed)."""
    basics_25 = EnrollmentFactory(
        deputy=deputy,
        course=CourseFactory(title=f"{tag}履职基础", year=2025, track=Track.BASICS),
        completed_on=datetime.date(2025, 4, 2),
    )
    _attend(basics_25, datetime.date(2025, 3, 1), "3")
    _attend(basics_25, datetime.date(2025, 4, 2), "2.5")
    practice_25 = EnrollmentFactory(
        deputy=deputy,
        course=CourseFactory(
            title=f"{tag}社区走访", year=2025, track=Track.PRACTICE, format=Format.FIELD
        ),
    )
    _attend(practice_25, datetime.date(2025, 9, 9), "4")
    basics_26 = EnrollmentFactory(
        deputy=deputy,
        course=CourseFactory(title=f"{tag}代表法", year=2026, track=Track.BASICS),
        completed_on=datetime.date(2026, 3, 3),
    )
    _attend(basics_26, datetime.date(2026, 3, 3), "1.5")
    topical = EnrollmentFactory(
        deputy=deputy,
        course=CourseFactory(title=f"{tag}预算审查", year=2026, track=Track.TOPICAL),
    )
    _attend(topical, datetime.date(2026, 4, 1), "3")
    _attend(topical, datetime.date(2026, 4, 8), "3")
    CourseSessionFactory(course=topical.course, date=datetime.date(2026, 7, 1))
    quiz = QuizFactory(course=topical.course, max_attempts=3)
    for number, score, passed in ((1, "45", False), (2, "75", True)):
        QuizAttempt.objects.create(
            quiz=quiz,
            enrollment=topical,
            number=number,
            score=Decimal(score),
            passed=passed,
            submitted_at=NOW,
        )
    return topical


# --- The archive --------------------------------------------------------------------------


def test_hours_add_up_by_year_and_track(deputy):
    _record(deputy)
    archive = learning_archive(deputy)
    by_year = {row.year: (row.cells, row.total) for row in archive.years}
    assert by_year == {
        2025: ([Decimal("5.5"), Decimal("0"), Decimal("4")], Decimal("9.5")),
        2026: ([Decimal("1.5"), Decimal("6"), Decimal("0")], Decimal("7.5")),
    }
    assert archive.total.cells == [Decimal("7"), Decimal("6"), Decimal("4")]
    assert archive.total.total == Decimal("17")


def test_hours_follow_the_session_year_not_the_course_year(deputy):
    late = EnrollmentFactory(deputy=deputy, course=CourseFactory(year=2025, track=Track.TOPICAL))
    _attend(late, datetime.date(2026, 1, 8), "2")
    archive = learning_archive(deputy)
    assert [(r.year, r.by_track["topical"]) for r in archive.years] == [(2026, Decimal("2"))]


def test_courses_completed_and_in_progress(deputy):
    _record(deputy)
    archive = learning_archive(deputy)
    assert [(c.title, c.track, c.completed_on, c.hours) for c in archive.completed] == [
        ("甲代表法", "基础履职", datetime.date(2026, 3, 3), Decimal("1.5")),
        ("甲履职基础", "基础履职", datetime.date(2025, 4, 2), Decimal("5.5")),
    ]
    assert archive.completed[0].format == "讲座"
    progress = {c.title: (c.sessions_attended, c.sessions_total) for c in archive.in_progress}
    assert progress == {"甲预算审查": (2, 3), "甲社区走访": (1, 1)}


def test_quiz_results_show_attempts_best_score_and_pass(deputy):
    _record(deputy)
    untried = EnrollmentFactory(deputy=deputy, course=CourseFactory(title="未作答课程"))
    QuizFactory(course=untried.course, max_attempts=2)
    quizzes = {q.title: q for q in learning_archive(deputy).quizzes}
    tried = quizzes["甲预算审查"]
    assert (tried.attempts_used, tried.attempts_allowed, tried.best_score, tried.passed) == (
        2,
        3,
        Decimal("75"),
        True,
    )
    none = quizzes["未作答课程"]
    assert (none.attempts_used, none.best_score, none.passed) == (0, None, False)


def test_another_deputys_record_stays_out(deputy, other_deputy):
    _record(other_deputy, tag="乙")
    archive = learning_archive(deputy)
    assert archive.is_empty
    assert archive.total.total == 0


def test_the_archive_takes_one_query_whatever_it_holds(deputy, django_assert_num_queries):
    with django_assert_num_queries(1):
        learning_archive(deputy)
    _record(deputy)
    _record(deputy, tag="丙")
    with django_assert_num_queries(1):
        archive = learning_archive(deputy)
    assert len(archive.completed) == 4


# --- Pages, by role -----------------------------------------------------------------------


def _urls(deputy_pk: int) -> list[str]:
    return [reverse(n) for n in OWN_PAGES] + [reverse(n, args=[deputy_pk]) for n in STAFF_PAGES]


def test_anonymous_users_go_to_the_login_page(client, deputy):
    for url in _urls(deputy.pk):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_deputy_sees_their_own_archive_and_not_anothers(deputy_client, deputy, other_deputy):
    _record(deputy)
    _record(other_deputy, tag="乙")
    response = deputy_client.get(reverse("training:archive"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲预算审查" in html and "乙预算审查" not in html
    assert reverse("training:archive_pdf") in html
    assert '<tr data-year="2025"><td>2025</td>' in html


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_a_deputy_is_refused_the_staff_addresses_even_for_themself(
    deputy_client, deputy, other_deputy, name
):
    assert deputy_client.get(reverse(name, args=[deputy.pk])).status_code == 403
    assert deputy_client.get(reverse(name, args=[other_deputy.pk])).status_code == 403


def test_units_and_users_without_a_role_are_refused(client, unit_user, plain_user, deputy):
    for user in (unit_user, plain_user):
        client.force_login(user)
        for url in _urls(deputy.pk):
            assert client.get(url).status_code == 403, url


def test_staff_see_any_deputys_archive_but_have_none_of_their_own(staff_client, deputy):
    _record(deputy)
    response = staff_client.get(reverse("training:deputy_archive", args=[deputy.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert deputy.name in html and "甲履职基础" in html
    assert reverse("training:deputy_archive_pdf", args=[deputy.pk]) in html
    assert staff_client.get(reverse("training:archive")).status_code == 403


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_an_unknown_deputy_is_not_found(staff_client, name):
    assert staff_client.get(reverse(name, args=[999999])).status_code == 404


@pytest.mark.parametrize("query", ["?page=x", "?year=abc&deputy=-1", "?pk=%00", "?y=" + "9" * 400])
def test_odd_parameters_are_ignored(client, staff_user, deputy, query):
    _record(deputy)
    client.force_login(deputy.user)
    for name in OWN_PAGES:
        assert client.get(reverse(name) + query).status_code == 200
    client.force_login(staff_user)
    for name in STAFF_PAGES:
        assert client.get(reverse(name, args=[deputy.pk]) + query).status_code == 200


def test_the_rows_read_with_the_deputys_facts_are_the_archives_own(deputy, other_deputy):
    """The deputy's own pages read the archive's rows with their facts (``archive_rows``):
    the same rows, values and order as its own query, and the same archive."""
    from deputies.facts import read_facts
    from training.selectors_archive import ARCHIVE, _enrollments, _Row, archive_rows

    _record(deputy)
    _record(deputy, tag="乙")
    _record(other_deputy, tag="丙")
    today = datetime.date(2026, 6, 1)
    for someone in (deputy, other_deputy):
        rows = archive_rows(read_facts(someone, today, (ARCHIVE,)))
        assert rows == [_Row(*row) for row in _enrollments(someone.pk)]
        assert learning_archive(someone, rows) == learning_archive(someone)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", OWN_PAGES)
def test_the_deputys_pages_take_the_same_queries_however_long_the_record(client, name):
    light, heavy = DeputyWithUserFactory(), DeputyWithUserFactory()
    _record(light, tag="戊")
    for tag in "甲乙丙丁":
        _record(heavy, tag=tag)
    counts = []
    for deputy in (light, heavy):
        client.force_login(deputy.user)
        _queries(client, reverse(name))  # the session is read once
        counts.append(_queries(client, reverse(name)))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_the_staff_pages_take_the_same_queries_however_long_the_record(staff_client, name):
    light, heavy = DeputyWithUserFactory(), DeputyWithUserFactory()
    _record(light, tag="戊")
    for tag in "甲乙丙丁":
        _record(heavy, tag=tag)
    _queries(staff_client, reverse(name, args=[light.pk]))
    few = _queries(staff_client, reverse(name, args=[light.pk]))
    assert _queries(staff_client, reverse(name, args=[heavy.pk])) == few


# --- The PDF ------------------------------------------------------------------------------


def _pages(content: bytes) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(content)
    try:
        return [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()


def _flat(text: str) -> str:
    """The text without the line breaks and spaces the extraction puts between runs."""
    return "".join(text.split())


def test_the_pdf_heads_the_record_in_chinese_and_numbers_its_pages(deputy):
    _record(deputy)
    pages = _pages(archive_pdf(learning_archive(deputy), now=PINNED))
    assert len(pages) == 1
    text = _flat(pages[0])
    assert _flat(f"{settings.LVZHI_COMMITTEE_NAME} 代表学习档案") in text
    for fact in (deputy.name, deputy.code, deputy.get_level_display(), str(deputy.term)):
        assert _flat(fact) in text
    for line in ("学时统计", "已结业课程", "在学课程", "测试成绩", "甲预算审查", "17.0", "2/3"):
        assert line in text
    assert "生成时间：2026-06-0110:30" in text
    assert "第1页/共1页" in text


def test_the_pdf_leaves_out_the_phone_and_the_birth_date(deputy):
    deputy.birth_date = datetime.date(1971, 8, 19)
    deputy.save(update_fields=["birth_date"])
    text = _flat("".join(_pages(archive_pdf(learning_archive(deputy), now=PINNED))))
    assert deputy.mobile not in text
    assert "1971" not in text and "出生" not in text and "手机" not in text


def test_a_long_record_has_a_footer_on_every_page(deputy):
    for n in range(60):
        EnrollmentFactory(deputy=deputy, course=CourseFactory(title=f"长课程{n:02d}"))
    pages = _pages(archive_pdf(learning_archive(deputy), now=PINNED))
    total = len(pages)
    assert total >= 2
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页/共{total}页" in _flat(page)
        assert "生成时间：2026-06-0110:30" in _flat(page)
    assert "长课程00" in _flat("".join(pages)) and "长课程59" in _flat("".join(pages))


def test_a_title_with_markup_is_printed_as_written(deputy):
    EnrollmentFactory(deputy=deputy, course=CourseFactory(title="<b>预算&决算</b>"))
    text = _flat("".join(_pages(archive_pdf(learning_archive(deputy), now=PINNED))))
    assert "<b>预算&决算</b>" in text


def test_the_deputys_pdf_download_is_theirs_alone(deputy_client, deputy, other_deputy):
    _record(deputy)
    _record(other_deputy, tag="乙")
    with time_machine.travel(PINNED, tick=False):
        response = deputy_client.get(reverse("training:archive_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert f'filename="learning-archive-{deputy.code}-20260601-1030.pdf"' in disposition
    text = _flat("".join(_pages(response.content)))
    assert "甲预算审查" in text and "甲履职基础" in text
    assert "乙" not in text and other_deputy.name not in text
    assert "生成时间：2026-06-0110:30" in text


def test_staff_download_a_deputys_pdf(staff_client, deputy, other_deputy):
    _record(other_deputy, tag="乙")
    response = staff_client.get(reverse("training:deputy_archive_pdf", args=[other_deputy.pk]))
    assert response.status_code == 200
    text = _flat("".join(_pages(response.content)))
    assert "乙预算审查" in text and other_deputy.code in text
    assert deputy.code not in text


# --- The rows written in Python -----------------------------------------------------------

# The archive's loops as its templates wrote them before they were written in Python.
FORMER_ROWS = """{% load i18n %}{% for row in archive.years %}
      <tr data-year="{{ row.year }}"><td>{{ row.year }}</td>{% for h in row.cells %}<td class="text-end">{{ h|floatformat:1 }}</td>{% endfor %}<td class="text-end fw-semibold">{{ row.total|floatformat:1 }}</td></tr>
    {% endfor %}|{% for c in archive.completed %}
    <div class="list-group-item">
      <div class="d-flex justify-content-between gap-2"><span class="fw-semibold">{{ c.title }}</span><span class="small text-nowrap">{{ c.hours|floatformat:1 }} {% translate "学时" %}</span></div>
      <div class="small text-muted">{{ c.track }}{% if c.format %} · {{ c.format }}{% endif %} · {% translate "结业" %} {{ c.completed_on|date:"Y-m-d" }}</div>
    </div>
  {% endfor %}|{% for c in archive.in_progress %}
    <div class="list-group-item">
      <div class="d-flex justify-content-between gap-2"><span class="fw-semibold">{{ c.title }}</span><span class="small text-nowrap">{% blocktranslate with n=c.sessions_attended total=c.sessions_total %}出勤 {{ n }}/{{ total }} 次{% endblocktranslate %}</span></div>
      <div class="small text-muted">{{ c.track }}{% if c.format %} · {{ c.format }}{% endif %} · {{ c.hours|floatformat:1 }} {% translate "学时" %}</div>
    </div>
  {% endfor %}|{% for q in archive.quizzes %}
    <div class="list-group-item d-flex justify-content-between gap-2">
      <div><div class="fw-semibold">{{ q.title }}</div>
        <div class="small text-muted">{% blocktranslate with used=q.attempts_used allowed=q.attempts_allowed %}已作答 {{ used }}/{{ allowed }} 次{% endblocktranslate %} · {% translate "最高得分" %} {% if q.best_score is None %}—{% else %}{{ q.best_score|floatformat:1 }}{% endif %}</div></div>
      <span class="align-self-center badge {% if q.passed %}text-bg-success{% elif q.attempts_used %}text-bg-warning{% else %}text-bg-light border{% endif %}">{% if q.passed %}{% translate "通过" %}{% elif q.attempts_used %}{% translate "未通过" %}{% else %}{% translate "未作答" %}{% endif %}</span>
    </div>
  {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_the_templates(deputy, language):
    """Hours by year, completed and current courses (with and without a format, titles to
    escape) and quizzes passed, failed and not tried, written in Python: the former HTML."""
    from django.template import engines
    from django.utils import translation

    from training.archive_html import completed_html, in_progress_html, quizzes_html, years_html

    _record(deputy, tag='<b>"甲"</b> & ')
    untried = EnrollmentFactory(
        deputy=deputy, course=CourseFactory(title="未作答课程", format=Format.ONLINE)
    )
    QuizFactory(course=untried.course, max_attempts=2)
    failed = EnrollmentFactory(deputy=deputy, course=CourseFactory(title="未通过课程"))
    quiz = QuizFactory(course=failed.course, max_attempts=1)
    QuizAttempt.objects.create(
        quiz=quiz,
        enrollment=failed,
        number=1,
        score=Decimal("12.5"),
        passed=False,
        submitted_at=NOW,
    )
    with translation.override(language):
        archive = learning_archive(deputy)
        expected = engines["django"].from_string(FORMER_ROWS).render({"archive": archive})
        written = "|".join(
            [
                years_html(archive.years),
                completed_html(archive.completed),
                in_progress_html(archive.in_progress),
                quizzes_html(archive.quizzes),
            ]
        )
    assert written == expected
    assert "&lt;b&gt;&quot;甲&quot;&lt;/b&gt; &amp; " in written
    for badge in ("text-bg-success", "text-bg-warning", "text-bg-light border"):
        assert f'<span class="align-self-center badge {badge}">' in written
