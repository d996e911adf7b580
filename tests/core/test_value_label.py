"""``core.choices.value_label``: a choice's label from a value read without its row (a list's
join), the same text as the row's own ``get_<field>_display()`` in either language, for every
choice, a value that is none and an empty field."""

from django.utils import translation

from core.choices import value_label
from deputies.models import Deputy, Level
from performance.models import LedgerEntry, SourceKind


def test_a_values_label_is_its_rows():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for level in [*Level.values, "unknown", None]:
                own = Deputy(level=level).get_level_display()
                assert value_label(Deputy, "level", level) == own
            for kind in SourceKind.values:
                entry = LedgerEntry(source_kind=kind)
                assert value_label(LedgerEntry, "source_kind", kind) == (
                    entry.get_source_kind_display()
                )
    with translation.override("en"):
        assert value_label(Deputy, "level", Level.DISTRICT) != "区人大代表"
