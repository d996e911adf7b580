"""``{% story_card story %}``: one story's card of the public feed and a station's page, the
HTML ``liaison/_story_card.html`` writes, written in Python. A page lists ten cards, and the
include with its two reversals, ``{% with %}`` and five filters per card was most of the
feed's time; the links' prefixes are reversed once per page here."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from core.url_memo import pk_url_parts

register = template.Library()

CARD_HTML = (
    "\n"
    '<a class="card lv-card lv-story-card h-100" href="{}/{}/{}">\n'
    "  \n"  # the template's {% with %}
    "  {}\n"
    "  \n"  # its {% endwith %}
    '  <div class="card-body">\n'
    '    <h2 class="card-title h5 mb-1">{}</h2>\n'
    '    <div class="text-muted mb-2">{}{}</div>\n'
    '    <p class="mb-2">{}</p>\n'
    "    <div>{}</div>\n"
    "  </div>\n"
    "</a>\n"
)
_PARTS = object()  # the render context's key for the links' prefixes


def _parts(context) -> dict:
    parts = context.render_context.get(_PARTS)
    if parts is None:
        parts = context.render_context[_PARTS] = {
            "story": pk_url_parts("liaison:story_detail"),
            "photo": pk_url_parts("liaison:story_photo"),
        }
    return parts


def card_html(story, parts: dict) -> SafeString:
    """The card of ``story`` (its station selected, its photos and deputies prefetched)."""
    photos = story.photos.all()
    cover = ""
    if photos:
        head, tail = parts["photo"]
        photo = photos[0]
        cover = format_html(
            '<img class="lv-story-cover" src="{}/{}/{}" alt="{}" loading="lazy">',
            head,
            photo.pk,
            tail,
            photo.caption or story.title,
        )
    paragraphs = story.paragraphs
    head, tail = parts["story"]
    return format_html(
        CARD_HTML,
        head,
        story.pk,
        tail,
        cover,
        story.title,
        f"{story.happened_on:%Y-%m-%d}" if story.happened_on else "",
        format_html(" · {}", story.station.name) if story.station else "",
        Truncator(paragraphs[0]).chars(80) if paragraphs else "",
        format_html_join(
            "", '<span class="lv-chip">{}</span>', ((d.name,) for d in story.deputies.all())
        ),
    )


@register.simple_tag(takes_context=True)
def story_card(context, story) -> SafeString:
    return card_html(story, _parts(context))
