"""Demo training data (``seed_demo``): the default topics and gap rules, the year's courses of
every track and format with sessions around ``context.today``, enrolments, attendance and quiz
attempts through the services (so completion and B05 are real), and an open needs survey with
answers. Runs after the deputies, the ledger (this year's rules and supervision menu) and
liaison hooks (INSTALLED_APPS order). Each part is idempotent; see ``core.demo``."""

from core.demo import DemoContext

from ..defaults import training_defaults_load
from . import courses, surveys


def seed(context: DemoContext) -> None:
    training_defaults_load(actor=None)
    courses.seed(context)
    surveys.seed(context)
