"""Reads of the visit log: who sees which visits, where a deputy may log one, and how a
visitor's phone is shown (masked for everyone but committee staff)."""

from collections.abc import Iterator
from datetime import date

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, user_has_role
from core.compiled import Kept, run_kept
from core.privacy import mask_phone  # the one masking (views import it from here too)
from core.sql import json_rows
from deputies.facts import prepared
from deputies.models import Deputy

from .models import Duty, Opinion, OpinionStatus, Station, Visit, VisitStatus


def mask_name(name: str) -> str:
    """``陈女士`` → ``陈**``: enough for a deputy to address a resident, not to identify them."""
    name = (name or "").strip()
    return f"{name[0]}**" if name else ""


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user_has_role(user, Role.STAFF))


def user_deputy(user) -> Deputy | None:
    """The user's deputy profile when they act in the deputy role, else None."""
    if not (user and user.is_authenticated and user_has_role(user, Role.DEPUTY)):
        return None
    return getattr(user, "deputy", None)


def phone_for(user, phone: str) -> str:
    """The visitor's phone as ``user`` may see it."""
    return phone if is_staff(user) else mask_phone(phone)


def deputy_opinions(deputy: Deputy) -> QuerySet[Opinion]:
    """Residents' opinions a deputy answers for: assigned to them by staff or sent to them by
    their deputy code; merged duplicates are left out (the surviving one stands for them)."""
    return Opinion.objects.filter(Q(assigned_deputy=deputy) | Q(deputy=deputy)).exclude(
        status=OpinionStatus.MERGED
    )


def deputy_stations(deputy: Deputy, *, on: date | None = None) -> QuerySet[Station]:
    """Active stations where ``deputy`` may log a visit: those they are assigned to, and those
    where they are on the duty roster of a reception day (on day ``on`` if given)."""
    duties = Duty.objects.filter(deputy=deputy, reception_day__station=OuterRef("pk"))
    if on is not None:
        duties = duties.filter(reception_day__date=on)
    return (
        Station.objects.filter(is_active=True)
        .filter(Q(deputies=deputy) | Exists(duties))
        .distinct()
        .order_by("name")
    )


def deputy_may_log_at(deputy: Deputy, station: Station, *, on: date | None = None) -> bool:
    return deputy_stations(deputy, on=on).filter(pk=station.pk).exists()


def visits_for(user) -> QuerySet[Visit]:
    """Staff see every visit; a deputy the visits they attended or logged; others nothing.

    A deputy's visits are ``id IN (attended UNION logged)``: two indexed lookups (the
    attendance table's deputy index, the visits' creator index), so the list reads that
    deputy's rows only; ``Exists(attended) OR created_by`` tested every visit of the district."""
    if is_staff(user):
        return Visit.objects.all()
    deputy = user_deputy(user)
    if deputy is None:
        return Visit.objects.none()
    return _deputy_visits(deputy=deputy.pk, user=user.pk)


def _deputy_visit_ids(*, deputy: int, user: int, first: int | None = None) -> QuerySet:
    """The ids of the visits the deputy attended or their user logged, as a ``UNION``. With
    ``first``, only the ``first`` latest of each (enough for a page ending there), where the
    database allows a limit in each part of a union (PostgreSQL): the page's statement then
    reads the visits through their date indexes, whatever the planner guesses of the rows a
    user logged. A prepared statement is planned without the user's id, and the guess is then
    the table's average per user: a clerk who logs half the visits makes it a quarter of the
    table, and the page read every visit of the district (``scripts/plan_pages.py``)."""
    attended = Visit.deputies.through.objects.filter(deputy=deputy).order_by().values("visit_id")
    logged = Visit.objects.filter(created_by=user).order_by().values("pk")
    features = connections[Visit.objects.db].features
    if first is not None and features.supports_slicing_ordering_in_compound:
        attended = attended.order_by("-visit__occurred_on", "-visit_id")[:first]
        logged = logged.order_by("-occurred_on", "-id")[:first]
    return attended.union(logged)


def _deputy_visits(*, deputy: int, user: int, first: int | None = None) -> QuerySet[Visit]:
    return Visit.objects.filter(pk__in=_deputy_visit_ids(deputy=deputy, user=user, first=first))


_COUNTS = Kept()


def _count_sql(using: str) -> str:
    """``COUNT(*)`` over the ``UNION`` of the deputy's attended and logged visits' ids, its
    two parameters the deputy's id and the user's: the ids are counted as the union gives
    them, never joined to the visits table (a prepared statement's plan joined every visit)."""
    ids = _deputy_visit_ids(deputy=-1, user=-2)
    sql, params = ids.query.get_compiler(using=using).as_sql()
    if tuple(params) != (-1, -2):
        raise ValueError(f"unexpected parameters {params!r}")
    return f"SELECT COUNT(*) FROM ({sql}) deputy_visits"


def _deputy_visits_count(*, deputy: int, user: int) -> int:
    using = Visit.objects.db
    sql = _COUNTS.get_or_make(using, lambda: _count_sql(using))
    ((count,),) = run_kept(using, sql, (deputy, user), (0, 1))
    return count


def _page_rows(offset: int, size: int, *, deputy: int, user: int) -> QuerySet[Visit]:
    """The page's visits, each with its deputies present as a JSON array of ``[id, name,
    code]`` (``present_json``): read with the rows, where a query of their own (planned on
    every visit, its list of ids never the same) cost more than the rows' prepared one."""
    links = Visit.deputies.through.objects.filter(visit=OuterRef("pk"))
    visits = _deputy_visits(deputy=deputy, user=user, first=offset + size)
    rows = _rows(visits).annotate(
        present_json=json_rows(links, "deputy_id", "deputy__name", "deputy__code")
    )
    return rows[offset : offset + size]


def _present(visit: Visit) -> list[tuple[int, str]]:
    """The visit's deputies present as (id, name), in their code's order."""
    found = sorted(visit.present_json or (), key=lambda d: (d[2], d[0]))
    return [(pk, name) for pk, name, _code in found]


# What a row of the visits page shows (``visits_html``): a visit's answer and follow-up, its
# times and its station's address, hours and map point are shown on its own page, not here;
# read here, they were sent, parsed and converted for every row of the page.
ROW_FIELDS = (
    "occurred_on",
    "station__name",
    "category__name",
    "community__name",
    "visitor_name",
    "visitor_phone",
    "problem",
    "status",
    "referred_to",
    "suggestion_id",
)


def _rows(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    """The visits page's rows: the station, category and community it names. The suggestion
    a visit became is shown by its key alone, so its row (with its text) is not joined."""
    return (
        visits.select_related("station", "category", "community")
        .only(*ROW_FIELDS)
        .order_by("-occurred_on", "-id")
    )


def deputy_visit_page(
    deputy: Deputy, user, page_number: str | None, size: int
) -> tuple[Page, list[Visit], dict[int, list[tuple[int, str]]]]:
    """A deputy's page of the visits page: the page, its visits and each visit's deputies
    present as (id, name) in code order. The count and the rows (with the deputies present)
    are statements compiled once per process (``deputies.facts.prepared``: the deputy and user
    as parameters), planned once per connection."""
    ids = {"deputy": deputy.pk, "user": user.pk}
    page = Paginator(range(_deputy_visits_count(**ids)), size).get_page(page_number)
    offset = (page.number - 1) * size
    visits = prepared(
        ("liaison:deputy-visits-rows", offset, size),
        lambda **ids: _page_rows(offset, size, **ids),
        **ids,
    )
    return page, visits, {visit.pk: _present(visit) for visit in visits}


def visit_list(user) -> QuerySet[Visit]:
    """The visits page's rows: the station, category and community it names, and the names
    of the deputies present (their key and name only). The suggestion a visit became is shown
    by its key alone, so its row (with its text) is not joined."""
    return _rows(visits_for(user)).prefetch_related(
        Prefetch("deputies", queryset=Deputy.objects.only("pk", "name"))
    )


def open_visits_count() -> int:
    return Visit.objects.filter(status__in=[VisitStatus.OPEN, VisitStatus.IN_PROGRESS]).count()


def visit_export_rows(
    queryset: QuerySet[Visit], *, full_phone: bool, chunk: int = 500
) -> tuple[list[str], Iterator[list]]:
    """Headers and rows of the visit log's Excel export; phones masked unless ``full_phone``."""
    headers = [
        str(_("接待日期")),
        str(_("站点")),
        str(_("接待代表")),
        str(_("来访人")),
        str(_("联系电话")),
        str(_("类别")),
        str(_("所属社区")),
        str(_("反映问题")),
        str(_("现场答复")),
        str(_("后续跟进")),
        str(_("状态")),
        str(_("转办部门")),
        str(_("满意度")),
        str(_("转成的建议")),
    ]

    def rows() -> Iterator[list]:
        for v in queryset.prefetch_related("deputies").iterator(chunk_size=chunk):
            yield [
                v.occurred_on,
                v.station.name,
                "、".join(d.name for d in v.deputies.all()),
                v.visitor_name,
                v.visitor_phone if full_phone else mask_phone(v.visitor_phone),
                v.category.name,
                v.community.name,
                v.problem,
                v.answer,
                v.follow_up,
                v.get_status_display(),
                v.referred_to,
                v.get_satisfaction_display() if v.satisfaction else "",
                (v.suggestion.number or v.suggestion.title) if v.suggestion_id else "",
            ]

    return headers, rows()
