"""The deputy's visits page (接待记录) rows, written in Python as ``liaison/visit_list.html``
wrote them per row: the same HTML as the former template. A district deputy's page lists up to
twenty visits, each with a dozen tags and filters in the template.

Every value of a visit is escaped by ``format_html``; the translated words are escaped as
``{% translate %}`` wrote them. The visitor's phone comes masked for deputies
(``selectors_visits.phone_for``); the edit link and the 转为建议草稿 form are shown only on
the visits the deputy attended. Nothing here reads the database: the view reads the page of
visits and their deputies (``selectors_visits``) and renders."""

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.url_memo import pk_url_parts

from .models import VisitStatus
from .selectors_visits import phone_for

VISIT_ROW_HTML = """
  <div class="list-group-item">
    <div class="d-flex justify-content-between gap-2">
      <span class="fw-semibold">{} · {}</span>
      <span class="badge text-bg-light border">{}</span>
    </div>
    <div class="small text-muted">{} · {}{}{}</div>
    <div class="small" style="white-space: pre-wrap">{}</div>
    <div class="small text-muted">{}：{}{}</div>
    <div class="d-flex gap-2 mt-2 flex-wrap">
      {}
      {}
    </div>
  </div>
"""


def _row_parts(csrf: str) -> dict:
    """What every row of the visits page shares, in the request's language: the links'
    prefixes (reversed once), the words, the state labels and the form's CSRF field (the
    request's, ``csrf``)."""
    return {
        "edit": pk_url_parts("liaison:visit_edit"),
        "suggest": pk_url_parts("liaison:visit_suggest"),
        "statuses": {value: str(label) for value, label in VisitStatus.choices},
        "deputies": _("接待代表"),
        "referred": _("转办"),
        "change": _("修改"),
        "suggested": _("已转为建议"),
        "to_draft": _("转为建议草稿"),
        "csrf": csrf,
    }


def _link(head_tail: tuple[str, str], pk: int) -> str:
    head, tail = head_tail
    return f"{head}/{pk}/{tail}"


def _visit_row(
    v, phone: str, deputies: list[tuple[int, str]], present: bool, parts: dict
) -> SafeString:
    """One row of the visits page as ``visit_list.html`` wrote it."""
    visitor = format_html(" · {}", v.visitor_name) if v.visitor_name else ""
    phone_html = format_html(' · <span class="visitor-phone">{}</span>', phone) if phone else ""
    names = "、".join(name for _pk, name in deputies)
    referred = format_html(" · {} {}", parts["referred"], v.referred_to) if v.referred_to else ""
    edit = ""
    if present:
        edit = format_html(
            '<a class="btn btn-sm btn-outline-secondary" href="{}">{}</a>',
            _link(parts["edit"], v.pk),
            parts["change"],
        )
    if v.suggestion_id:
        action = format_html(
            '\n        <span class="small text-success">{}</span>\n      ', parts["suggested"]
        )
    elif present:
        action = format_html(
            '\n        <form method="post" action="{}">{}\n'
            '          <button class="btn btn-sm btn-outline-danger" type="submit">{}</button>\n'
            "        </form>\n      ",
            _link(parts["suggest"], v.pk),
            parts["csrf"],
            parts["to_draft"],
        )
    else:
        action = ""
    return format_html(
        VISIT_ROW_HTML,
        f"{v.occurred_on:%Y-%m-%d}",
        v.station.name,
        parts["statuses"].get(v.status, v.status),
        v.category,
        v.community,
        visitor,
        phone_html,
        Truncator(v.problem).chars(200),
        parts["deputies"],
        names,
        referred,
        edit,
        action,
    )


def visit_rows_html(
    visits: list, present: dict[int, list[tuple[int, str]]], *, user, deputy, csrf: str
) -> list[SafeString]:
    """The page's rows: ``present`` maps each visit to its deputies present as (id, name);
    ``deputy`` is the user's deputy (None for staff), who may change or turn into a draft
    only the visits they attended; ``csrf`` is the request's CSRF field for those forms."""
    parts = _row_parts(csrf)
    return [
        _visit_row(
            v,
            phone_for(user, v.visitor_phone),
            present[v.pk],
            deputy is not None and any(pk == deputy.pk for pk, _name in present[v.pk]),
            parts,
        )
        for v in visits
    ]
