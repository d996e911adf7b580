"""The admin change list's kept skeleton (``core.page_skeleton``): which of its blocks change
from one visit to the next, and what names everything else it shows.

The holes: the header (the staff member's name and links), the sidebar (their apps, the page
marked), the messages, the object tools (the add link and a model's own buttons, by
permission), the search form, the date drill-down, the rows with the actions bar, the
pagination and the filters. The rest (the head with the list's styles and scripts, the title,
the breadcrumbs, the page's frame) is named by the key: the model admin (its model, media and
templates), the title (which says whether the staff member may change or only view), the
site's titles and sidebar setting, whether the list has filters and an actions bar, and the
time zone's offset the page's body carries. Popups and editable lists are rendered in full.
"""

from django.utils import timezone

from core.page_skeleton import Skeleton

HOLES = (
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


def change_list_key(context) -> tuple | None:
    cl = context.get("cl")
    if cl is None or context.get("is_popup") or context.get("to_field") or cl.formset is not None:
        return None
    return (
        cl.model_admin,
        context.get("title"),
        context.get("subtitle"),
        context.get("site_title"),
        context.get("is_nav_sidebar_enabled"),
        cl.has_filters,
        bool(context.get("action_form")),
        context.get("actions_on_top"),
        context.get("actions_on_bottom"),
        timezone.localtime().utcoffset(),  # {% now "Z" %} on the body
    )


CHANGE_LIST = Skeleton(anchor="admin/change_list.html", holes=HOLES, key=change_list_key)
