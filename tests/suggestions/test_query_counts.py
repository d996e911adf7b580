"""Every suggestions page (deputy, unit, staff, public) makes the same number of queries on a
small database and after it has grown several times over: a page's cost follows what it shows,
not how many suggestions, co-signers, replies or units everyone else has (issue #8)."""

import pytest
from django.test import Client

from accounts.models import User
from deputies.models import Deputy
from suggestions import selectors
from suggestions.models import (
    PRE_REGISTRATION,
    Commitment,
    CommitmentStatus,
    Reply,
    Status,
    Suggestion,
)
from tests.core.scale_pages import grow, query_counts
from tests.suggestions.factories import SuggestionFactory

pytestmark = pytest.mark.django_db

SMALL = {"deputies": 4, "entries_per_deputy": 2, "suggestions": 100}
LARGE = {"deputies": 12, "entries_per_deputy": 4, "suggestions": 200}


def _busiest_deputy() -> Deputy:
    """The deputy leading the most registered suggestions (so every page has rows to show)."""
    return max(
        Deputy.objects.select_related("user").order_by("code"),
        key=lambda d: (
            Suggestion.objects.filter(lead_deputy=d).exclude(status__in=PRE_REGISTRATION).count()
        ),
    )


def _busiest_unit_user() -> User:
    """The unit login with the most suggestions to handle (unit01 may have none when small)."""
    return max(
        User.objects.filter(handling_units__isnull=False).order_by("username"),
        key=lambda u: selectors.unit_user_suggestions(u).count(),
    )


def _deputy_urls(deputy: Deputy) -> list[str]:
    mine = selectors.deputy_suggestions(deputy).exclude(status__in=PRE_REGISTRATION)
    replied = Reply.objects.filter(suggestion__lead_deputy=deputy).order_by("pk").first()
    shown = replied.suggestion if replied else mine.order_by("pk").first()
    draft = SuggestionFactory(lead_deputy=deputy, category=shown.category)
    return [
        "/suggestions/mine/",
        "/suggestions/mine/?status=replied",
        "/suggestions/mine/?page=2",
        f"/suggestions/{shown.pk}/",
        f"/suggestions/{draft.pk}/edit/",
        "/suggestions/new/",
        f"/suggestions/{shown.pk}/evaluate/",
        f"/suggestions/{shown.pk}/qr/",
    ]


def _unit_urls(user: User) -> list[str]:
    mine = selectors.unit_user_suggestions(user).filter(lead_unit__users=user).order_by("pk")
    handling = mine.filter(status__in=[Status.ASSIGNED, Status.IN_HANDLING]).first()
    replied = mine.filter(replies__isnull=False).first()
    urls = [
        "/suggestions/unit/",
        "/suggestions/unit/?tab=replied",
        "/suggestions/unit/?tab=done",
        "/suggestions/unit/?tab=all",
        "/suggestions/unit/?tab=all&page=2",
    ]
    for suggestion in {handling, replied} - {None}:
        urls += [
            f"/suggestions/unit/{suggestion.pk}/",
            f"/suggestions/unit/{suggestion.pk}/reply/",
            f"/suggestions/unit/{suggestion.pk}/extension/",
            f"/suggestions/unit/{suggestion.pk}/return/",
            f"/suggestions/unit/{suggestion.pk}/commitments/new/",
            f"/suggestions/unit/{suggestion.pk}/meeting/",
        ]
    commitment = (
        Commitment.objects.filter(owner_unit__users=user, status=CommitmentStatus.OPEN)
        .order_by("pk")
        .first()
    )
    if commitment is not None:
        urls.append(f"/suggestions/unit/commitments/{commitment.pk}/")
    return urls


def _public_urls() -> list[str]:
    rateable = (
        Suggestion.objects.filter(status__in=[Status.REPLIED, Status.EVALUATED])
        .order_by("pk")
        .first()
    )
    closed = Suggestion.objects.filter(status=Status.ASSIGNED).order_by("pk").first()
    urls = [f"/suggestions/rate/{rateable.public_token}/"]
    if closed is not None:
        urls.append(f"/suggestions/rate/{closed.public_token}/")
    return [*urls, f"/suggestions/rate/{rateable.public_token}/qr.svg"]


def _clients(deputy: Deputy, unit_user: User, staff: User) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for role, user in (("deputy", deputy.user), ("unit", unit_user), ("staff", staff)):
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def _all_counts(clients, urls) -> dict[str, dict[str, int]]:
    for role, role_urls in urls.items():  # warm per-process caches (content types, sessions)
        query_counts(clients[role], role_urls[:1])
    return {role: query_counts(clients[role], role_urls) for role, role_urls in urls.items()}


def test_every_suggestions_page_costs_the_same_at_two_sizes():
    # Fixed seeds: the pages compared must hold rows in every tab at both sizes (an empty list
    # skips its page query), whatever other tests ran before in this process.
    grow(**SMALL, seed=801)
    deputy = _busiest_deputy()
    unit_user = _busiest_unit_user()
    staff = User.objects.get(username="clerk")
    urls = {
        "deputy": _deputy_urls(deputy),
        "unit": _unit_urls(unit_user),
        "staff": ["/suggestions/staff/", "/suggestions/staff/scores/"],
        "anonymous": _public_urls(),
    }
    clients = _clients(deputy, unit_user, staff)
    small = _all_counts(clients, urls)
    before = selectors.deputy_suggestions(deputy).count(), Suggestion.objects.count()

    grow(**LARGE, seed=802)
    grow(**LARGE, seed=803)
    after = selectors.deputy_suggestions(deputy).count(), Suggestion.objects.count()
    assert after[0] > before[0] and after[1] > 4 * before[1]  # the pages' own lists grew too
    assert _all_counts(clients, urls) == small


def test_deputy_suggestions_are_those_led_or_co_signed_each_once():
    grow(**SMALL)
    deputy = _busiest_deputy()
    co_signed = Suggestion.objects.filter(co_signers=deputy).exclude(lead_deputy=deputy)
    expected = set(Suggestion.objects.filter(lead_deputy=deputy).values_list("pk", flat=True))
    expected |= set(co_signed.values_list("pk", flat=True))
    both = SuggestionFactory(lead_deputy=deputy)
    both.co_signers.add(deputy)  # led and co-signed: still listed once
    expected.add(both.pk)
    listed = list(selectors.deputy_suggestions(deputy).values_list("pk", flat=True))
    assert sorted(listed) == sorted(expected)
    assert Suggestion.objects.filter(co_signers=deputy).exists() or co_signed.count() == 0


def test_unit_suggestions_are_those_led_or_co_handled_once_registered():
    grow(**SMALL)
    user = User.objects.get(username="unit01")
    units = list(user.handling_units.all())
    expected = set(
        Suggestion.objects.filter(lead_unit__in=units)
        .exclude(status__in=[*PRE_REGISTRATION, Status.REGISTERED])
        .values_list("pk", flat=True)
    ) | set(
        Suggestion.objects.filter(co_units__in=units)
        .exclude(status__in=[*PRE_REGISTRATION, Status.REGISTERED])
        .values_list("pk", flat=True)
    )
    listed = list(selectors.unit_user_suggestions(user).values_list("pk", flat=True))
    assert expected and sorted(listed) == sorted(expected)


@pytest.mark.parametrize(
    "query",
    ["page=999", "page=abc", "page=-1", "page=0", "tab=bogus", "tab=all&page=99999999999999"],
)
def test_odd_list_parameters_answer_a_normal_page(query):
    grow(**SMALL)
    client = Client()
    client.force_login(_busiest_unit_user())
    assert client.get(f"/suggestions/unit/?{query}").status_code == 200
    client.force_login(_busiest_deputy().user)
    assert client.get(f"/suggestions/mine/?{query}&status=nonsense").status_code == 200
