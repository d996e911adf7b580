"""A deputy's level label, as Django's generated ``get_level_display`` gives it, in either
language, for every level and for a value that is no choice."""

from django.db import models
from django.utils import translation

from deputies.models import Deputy, Level


def test_the_level_label_is_djangos():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for level in [*Level.values, "unknown"]:
                deputy = Deputy(level=level)
                django_label = models.Model._get_FIELD_display(
                    deputy, Deputy._meta.get_field("level")
                )
                assert deputy.get_level_display() == django_label
                assert type(deputy.get_level_display()) is str
    with translation.override("en"):
        assert Deputy(level=Level.DISTRICT).get_level_display() != "区人大代表"
