"""The deputy's visits page (接待记录) rows, written in Python as ``liaison/visit_list.html``
wrote them per row: the same HTML as the former template. A district deputy's page lists up to
twenty visits, each with a dozen tags and filters in the template.

Every value of a visit is escaped as ``format_html`` escaped it; the translated words are
escaped as ``{% translate %}`` wrote them. The visitor's phone comes masked for deputies
(``selectors_visits.phone_for``); the edit link and the 转为建议草稿 form are shown only on
the visits the deputy attended. Nothing here reads the database: the view reads the page of
visits and their deputies (``selectors_visits``) and renders."""

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core import texts
from core.texts import escaped
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
    prefixes (reversed once), the words and the state labels (escaped once) and the form's
    CSRF field (the request's, ``csrf``)."""
    return {
        "edit": pk_url_parts("liaison:visit_edit"),
        "suggest": pk_url_parts("liaison:visit_suggest"),
        "statuses": {value: escape(str(label)) for value, label in VisitStatus.choices},
        "deputies": escape(_("接待代表")),
        "referred": escape(_("转办")),
        "change": escape(_("修改")),
        "suggested": escape(_("已转为建议")),
        "to_draft": escape(_("转为建议草稿")),
        "csrf": escaped(csrf),  # the field's HTML (a safe string) as it is
    }


def _link(head_tail: tuple[str, str], pk: int) -> str:
    head, tail = head_tail
    return escape(f"{head}/{pk}/{tail}")


def _visit_row(
    v, phone: str, deputies: list[tuple[int, str]], present: bool, parts: dict
) -> SafeString:
    """One row of the visits page as ``visit_list.html`` wrote it. Each value is escaped as
    ``format_html`` escapes it (``html.escape`` of its text), with the standard library's
    function directly: a row has some fifteen values, and Django's escaping of each (its lazy
    text checks and safe-string wrappers) was most of a row's time."""
    visitor = f" · {escape(v.visitor_name)}" if v.visitor_name else ""
    phone_html = f' · <span class="visitor-phone">{escape(phone)}</span>' if phone else ""
    names = escape("、".join(name for _pk, name in deputies))
    referred = f" · {parts['referred']} {escape(v.referred_to)}" if v.referred_to else ""
    edit = ""
    if present:
        edit = (
            f'<a class="btn btn-sm btn-outline-secondary" href="{_link(parts["edit"], v.pk)}">'
            f"{parts['change']}</a>"
        )
    if v.suggestion_id:
        action = f'\n        <span class="small text-success">{parts["suggested"]}</span>\n      '
    elif present:
        action = (
            f'\n        <form method="post" action="{_link(parts["suggest"], v.pk)}">'
            f"{parts['csrf']}\n"
            '          <button class="btn btn-sm btn-outline-danger" type="submit">'
            f"{parts['to_draft']}</button>\n"
            "        </form>\n      "
        )
    else:
        action = ""
    return mark_safe(  # every value above is escaped
        VISIT_ROW_HTML.format(
            f"{v.occurred_on:%Y-%m-%d}",
            escape(v.station.name),
            parts["statuses"].get(v.status) or escape(v.status),
            escape(str(v.category)),
            escape(str(v.community)),
            visitor,
            phone_html,
            escape(texts.chars(v.problem, 200)),
            parts["deputies"],
            names,
            referred,
            edit,
            action,
        )
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
