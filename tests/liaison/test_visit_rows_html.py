"""The visits page's rows (``liaison.visits_html``) escape every value as ``format_html``
did, and put in the request's CSRF field as it is."""

from datetime import date
from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.utils.safestring import mark_safe
from django.utils.translation import override

from liaison.models import VisitStatus
from liaison.visits_html import visit_rows_html

NASTY = "<b>A&B</b> \"x\" 'y'"
ESCAPED = "&lt;b&gt;A&amp;B&lt;/b&gt; &quot;x&quot; &#x27;y&#x27;"
CSRF = mark_safe('<input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">')


def _visit(pk: int, **changes) -> SimpleNamespace:
    values = {
        "pk": pk,
        "occurred_on": date(2026, 3, 9),
        "station": SimpleNamespace(name=NASTY),
        "category": NASTY,
        "community": NASTY,
        "visitor_name": NASTY,
        "visitor_phone": "13900001234",
        "problem": NASTY,
        "status": VisitStatus.REFERRED,
        "referred_to": NASTY,
        "suggestion_id": None,
    }
    return SimpleNamespace(**{**values, **changes})


def test_every_value_is_escaped_and_the_csrf_field_is_not():
    deputy = SimpleNamespace(pk=7)
    visits = [_visit(1), _visit(2, suggestion_id=5, status=VisitStatus.OPEN, visitor_name="")]
    present = {1: [(7, NASTY)], 2: [(7, "张平")]}
    with override("zh-hans"):
        first, second = visit_rows_html(
            visits, present, user=AnonymousUser(), deputy=deputy, csrf=CSRF
        )
    assert NASTY not in first
    # station, category, community, visitor, problem, deputies present, referral
    assert first.count(ESCAPED) == 7
    assert '<span class="visitor-phone">139****1234</span>' in first
    assert "2026-03-09" in first and "已转办" in first and "转办 " + ESCAPED in first
    assert CSRF in first and "转为建议草稿</button>" in first
    assert 'href="/liaison/visits/1/edit/"' in first
    assert "已转为建议" in second and CSRF not in second
    assert second.count(ESCAPED) == 5  # no visitor named
