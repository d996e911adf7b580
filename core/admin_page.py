"""The admin pages kept as their skeleton (``core.page_skeleton``): which of their blocks change
from one visit to the next, and what names everything else they show.

A change list's holes: the header (the staff member's name and links), the sidebar (their
apps, the page marked), the messages, the object tools (the add link and a model's own
buttons, by permission), the search form, the date drill-down, the rows with the actions bar, the
pagination and the filters. The rest (the head with the list's styles and scripts, the title,
the breadcrumbs, the page's frame) is named by the key: the model admin (its model, media and
templates), the title (which says whether the staff member may change or only view), the
site's titles and sidebar setting, whether the list has filters and an actions bar, and the
time zone's offset the page's body carries. Popups and editable lists are rendered in full.

The staff desk (the admin index): its to-do cards and app list, the recent actions, the header
and the messages change; the rest is named by the titles. An app's index (Django's
``app_index.html``, below the desk's template) writes its own breadcrumbs and is rendered in
full.
"""

from django.utils import timezone

from core.page_skeleton import Skeleton

CHANGE_LIST_HOLES = (
    "header",
    "nav-sidebar",
    "messages",
    "object-tools",
    "search",
    "date_hierarchy",
    "result_list",
    "pagination",
    "filters",
)


INDEX_HOLES = ("header", "messages", "content", "sidebar")


def _page_key(context) -> tuple | None:
    """What every admin page shows outside its holes: its titles and the site's, the sidebar
    setting and the time zone's offset (``{% now "Z" %}`` on the body); None for a popup."""
    if context.get("is_popup") or context.get("to_field"):
        return None
    return (
        context.get("title"),
        context.get("subtitle"),
        context.get("site_title"),
        context.get("is_nav_sidebar_enabled"),
        timezone.localtime().utcoffset(),
    )


def change_list_key(context) -> tuple | None:
    cl, page = context.get("cl"), _page_key(context)
    if cl is None or page is None or cl.formset is not None:
        return None
    return (
        *page,
        cl.model_admin,
        cl.has_filters,
        bool(context.get("action_form")),
        context.get("actions_on_top"),
        context.get("actions_on_bottom"),
    )


CHANGE_LIST = Skeleton(
    anchor="admin/change_list.html", holes=CHANGE_LIST_HOLES, key=change_list_key
)
INDEX = Skeleton(anchor="admin/index.html", holes=INDEX_HOLES, key=_page_key)
