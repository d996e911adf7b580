"""The public station list's community choice, written once per process for its communities,
choice and language (``stations_html.community_options_html``), is what ``{% select_options %}``
writes."""

import pytest
from django.template import Context, Template

from liaison.stations_html import community_options_html

TAG = Template("{% load select_options %}{% select_options choices selected %}")
CHOICES = [(3, "东社区"), (11, '<b>"西"</b> & 社区'), (7, "南社区")]


@pytest.mark.parametrize("chosen", [None, 3, 11, 99])
def test_the_options_are_the_tags(chosen):
    expected = TAG.render(Context({"choices": CHOICES, "selected": chosen}))
    assert community_options_html(CHOICES, chosen) == expected
    assert community_options_html(list(CHOICES), chosen) == expected  # kept: the same text
    assert community_options_html(CHOICES[:2], chosen) == TAG.render(
        Context({"choices": CHOICES[:2], "selected": chosen})
    )
