"""Walk a suggestion through the real services, step by step.

The default dates tell one story in 2026, all before ``TODAY``. Every helper takes ``today``
(forwarded to the services, default: the clock) so a test can tell the story from a pinned day;
a test that compares with "today" passes one (``TODAY`` fits the default dates) or builds its
dates relative to ``core.clock.today()``."""

import threading
from datetime import date

from django.db import connections

from suggestions import services
from suggestions.models import Status, Suggestion
from suggestions.workflow import suggestion_transition

from .factories import HandlingUnitFactory, SuggestionFactory

ASSIGNED_ON = date(2026, 3, 2)
REPLIED_ON = date(2026, 5, 6)
EVALUATED_ON = date(2026, 5, 20)
CONCLUDED_ON = date(2026, 6, 10)
CHECKED_ON = date(2026, 11, 20)
CLOSED_ON = date(2026, 11, 21)
TODAY = date(2026, 11, 30)  # a day after every default date above


def submitted(on: date = ASSIGNED_ON, today: date | None = None, **kwargs) -> Suggestion:
    s = SuggestionFactory(**kwargs)
    return suggestion_transition(suggestion=s, to=Status.SUBMITTED, actor=None, on=on, today=today)


def registered(on: date = ASSIGNED_ON, today: date | None = None, **kwargs) -> Suggestion:
    s = submitted(on=on, today=today, **kwargs)
    return suggestion_transition(suggestion=s, to=Status.REGISTERED, actor=None, on=on, today=today)


def assigned(
    unit=None, on: date = ASSIGNED_ON, co_units=(), today: date | None = None, **kwargs
) -> Suggestion:
    s = registered(on=on, today=today, **kwargs)
    unit = unit or HandlingUnitFactory(with_user=True)
    return services.suggestion_assign(
        suggestion=s, lead_unit=unit, co_units=co_units, on=on, actor=None, today=today
    )


def in_handling(today: date | None = None, **kwargs) -> Suggestion:
    s = assigned(today=today, **kwargs)
    return suggestion_transition(
        suggestion=s, to=Status.IN_HANDLING, actor=None, on=s.assigned_on, today=today
    )


def replied(
    result_class="A", on: date = REPLIED_ON, problems=None, today: date | None = None, **kwargs
) -> Suggestion:
    s = in_handling(today=today, **kwargs)
    if problems is None:
        problems = [] if result_class == "A" else [("funding", "资金缺口约 200 万元")]
    services.reply_submit(
        suggestion=s,
        unit=s.lead_unit,
        result_class=result_class,
        content="已协调解决。",
        problems=problems,
        replied_on=on,
        actor=None,
        today=today,
    )
    s.refresh_from_db()
    return s


def evaluated(
    verdict="satisfied",
    score=90,
    evaluated_on=EVALUATED_ON,
    today: date | None = None,
    **kwargs,
) -> Suggestion:
    s = replied(today=today, **kwargs)
    services.evaluation_submit(
        suggestion=s,
        deputy=s.lead_deputy,
        verdict=verdict,
        implementation_score=score,
        evaluated_on=evaluated_on,
        actor=None,
        today=today,
    )
    s.refresh_from_db()
    return s


def concluded(on: date = CONCLUDED_ON, today: date | None = None, **kwargs) -> Suggestion:
    s = evaluated(today=today, **kwargs)
    return suggestion_transition(suggestion=s, to=Status.CONCLUDED, actor=None, on=on, today=today)


def closed(
    checked_on: date = CHECKED_ON, on: date = CLOSED_ON, today: date | None = None, **kwargs
) -> Suggestion:
    s = concluded(today=today, **kwargs)
    for check in s.checks.all():
        services.check_record(
            check=check, findings="已核实。", done_on=checked_on, actor=None, today=today
        )
    return suggestion_transition(suggestion=s, to=Status.CLOSED, actor=None, on=on, today=today)


def not_registered(on: date = ASSIGNED_ON, today: date | None = None, **kwargs) -> Suggestion:
    s = submitted(on=on, today=today, **kwargs)
    return suggestion_transition(
        suggestion=s,
        to=Status.NOT_REGISTERED,
        actor=None,
        on=on,
        today=today,
        comment="属于司法程序事项。",
    )


def evaluated_unsatisfied_pending(**kwargs) -> Suggestion:
    """An 不满意 evaluation recorded without the automatic reopen (to test the bare move)."""
    from suggestions.models import Evaluation

    s = replied(**kwargs)
    evaluation = Evaluation.objects.create(
        suggestion=s,
        reply=s.replies.get(),
        deputy=s.lead_deputy,
        verdict="unsatisfied",
        implementation_score=20,
        evaluated_on=EVALUATED_ON,
    )
    return suggestion_transition(
        suggestion=s, to=Status.EVALUATED, actor=None, on=EVALUATED_ON, evaluation=evaluation
    )


IN_STATE = {
    Status.DRAFT: lambda: SuggestionFactory(),
    Status.SUBMITTED: submitted,
    Status.REGISTERED: registered,
    Status.NOT_REGISTERED: not_registered,
    Status.ASSIGNED: assigned,
    Status.IN_HANDLING: in_handling,
    Status.REPLIED: replied,
    Status.EVALUATED: evaluated,
    Status.CONCLUDED: concluded,
    Status.CLOSED: closed,
}


def race(n, work):
    """Run ``work(i)`` for i in range(n) in n threads released together (each thread has its
    own connection); returns each result or the exception it raised."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results
