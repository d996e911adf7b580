"""The public story feed's (代表在身边) cards, one per story of the page in its grid column,
written in Python as ``liaison/story_list.html``'s loop and ``{% story_card %}`` wrote them: the
same HTML (tests/liaison/test_story_feed_cards.py compares them with the tag's cards). The
card itself is ``templatetags.story_cards``' (shared with a station's page); here the feed's
rows, read as values (``selectors_stories.feed_page``), are put in it with the links'
prefixes reversed once per page. Nothing here reads the database."""

from django.utils.safestring import SafeString, mark_safe

from .selectors_stories import FeedStory
from .templatetags.story_cards import card_html_of, link_parts


def feed_cards_html(stories: list[FeedStory]) -> SafeString:
    """The page's cards, each in its ``<div class="col">``."""
    parts = link_parts()
    cards = "".join(f'<div class="col">{_card(story, parts)}</div>' for story in stories)
    # Safe: each card escapes its values (``story_cards.card_html_of``).
    return mark_safe(cards)


def _card(story: FeedStory, parts: dict) -> str:
    return card_html_of(
        pk=story.pk,
        title=story.title,
        happened_on=story.happened_on,
        station_name=story.station_name,
        first_paragraph=story.first_paragraph,
        deputy_names=story.deputy_names,
        cover=story.cover,
        parts=parts,
    )
