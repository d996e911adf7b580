"""``{% story_card story %}``: one story's card of the public feed and a station's page, the
HTML ``liaison/_story_card.html`` writes, written in Python. A page lists ten cards, and the
include with its two reversals, ``{% with %}`` and five filters per card was most of the
feed's time; the links' prefixes are reversed once per page here."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from core import texts
from core.texts import escaped
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


def link_parts() -> dict:
    """The card's links' prefixes (a story's page, a photo), reversed once per page."""
    return {
        "story": pk_url_parts("liaison:story_detail"),
        "photo": pk_url_parts("liaison:story_photo"),
    }


def _parts(context) -> dict:
    parts = context.render_context.get(_PARTS)
    if parts is None:
        parts = context.render_context[_PARTS] = link_parts()
    return parts


def card_html(story, parts: dict) -> SafeString:
    """The card of ``story`` (its station selected, its photos and deputies prefetched)."""
    photos = story.photos.all()
    paragraphs = story.paragraphs
    return card_html_of(
        pk=story.pk,
        title=story.title,
        happened_on=story.happened_on,
        station_name=story.station.name if story.station else None,
        first_paragraph=paragraphs[0] if paragraphs else "",
        deputy_names=[d.name for d in story.deputies.all()],
        cover=(photos[0].pk, photos[0].caption) if photos else None,
        parts=parts,
    )


def card_html_of(
    *,
    pk: int,
    title: str,
    happened_on,
    station_name: str | None,
    first_paragraph: str,
    deputy_names: list[str],
    cover: tuple[int, str] | None,
    parts: dict,
) -> SafeString:
    """A story's card from its values: the cover photo's (key, caption) or None, the
    deputies' names in code order; ``parts`` the links' prefixes (``link_parts``)."""
    image = ""
    if cover is not None:
        head, tail = parts["photo"]
        image = mark_safe(  # as format_html writes it: each value escaped
            f'<img class="lv-story-cover" src="{escaped(head)}/{escaped(cover[0])}/{escaped(tail)}"'
            f' alt="{escaped(cover[1] or title)}" loading="lazy">'
        )
    head, tail = parts["story"]
    chips = "".join(f'<span class="lv-chip">{escaped(name)}</span>' for name in deputy_names)
    values = (
        head,
        pk,
        tail,
        image,
        title,
        f"{happened_on:%Y-%m-%d}" if happened_on else "",
        mark_safe(f" · {escaped(station_name)}") if station_name else "",
        texts.chars(first_paragraph, 80) if first_paragraph else "",
        mark_safe(chips),
    )
    # Safe: what ``format_html(CARD_HTML, *values)`` makes, each value escaped.
    return mark_safe(CARD_HTML.format(*map(escaped, values)))


@register.simple_tag(takes_context=True)
def story_card(context, story) -> SafeString:
    return card_html(story, _parts(context))
