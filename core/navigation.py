"""The site's top navigation, contributed by each app.

An app registers its menu items in ``AppConfig.ready`` (as it registers dashboard panels), so a
new app such as liaison or training adds itself without editing the base template.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

from accounts.roles import Role, user_has_role
from core.url_memo import reverse_memo


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    roles: frozenset[Role]
    order: int
    visible: Callable[..., bool] | None = None

    def shown_to(self, user) -> bool:
        if self.visible is not None:
            return self.visible(user)
        return any(user_has_role(user, role) for role in self.roles)


_ITEMS: dict[str, NavItem] = {}


def register_nav(
    key: str,
    label: str | Promise,
    url_name: str,
    *,
    roles: Iterable[Role] = (),
    visible: Callable[..., bool] | None = None,
    order: int = 100,
) -> None:
    """Add a menu item shown to users with any of ``roles`` (or for whom ``visible(user)`` is
    true). Registering the same key again replaces the item, so ``ready`` may run twice."""
    _ITEMS[key] = NavItem(key, label, url_name, frozenset(roles), order, visible)


def nav_items_for(user) -> list[tuple[str | Promise, str]]:
    """(label, url) pairs for ``user``, in order. Role checks share the user's cached groups,
    so the menu costs at most one query whatever the number of items."""
    if not getattr(user, "is_authenticated", False):
        return []
    items = sorted(_ITEMS.values(), key=lambda item: (item.order, item.key))
    return [(item.label, reverse_memo(item.url_name)) for item in items if item.shown_to(user)]


@dataclass(frozen=True)
class Tab:
    """One tab of the bottom tab bar deputies see on phones: an icon from the vendored
    Bootstrap Icons sprite (``static/vendor/bootstrap-icons/sprite.svg``) above a short label.
    ``badge`` shows the unread notifications on it; ``primary`` stands out (记录履职, the one
    action a deputy takes most often from a phone)."""

    key: str
    label: str | Promise
    url_name: str
    icon: str
    roles: frozenset[Role]
    order: int
    badge: bool = False
    primary: bool = False


_TABS: dict[str, Tab] = {}


def register_tab(
    key: str,
    label: str | Promise,
    url_name: str,
    icon: str,
    *,
    roles: Iterable[Role],
    order: int = 100,
    badge: bool = False,
    primary: bool = False,
) -> None:
    """Add a tab to the bottom tab bar of users with any of ``roles`` (deputies: 首页, 履职,
    建议, 消息, 我的). Like the menu, each app registers its own tab in ``ready``; registering a
    key again replaces it."""
    _TABS[key] = Tab(key, label, url_name, icon, frozenset(roles), order, badge, primary)


def tabs_for(user, path: str) -> list[dict]:
    """The user's tabs in order, the one whose URL is the longest prefix of ``path`` marked
    ``current`` (``/deputy/`` is home, ``/deputy/profile/`` is 我的). No query beyond the
    user's cached role names."""
    if not getattr(user, "is_authenticated", False):
        return []
    tabs = [
        {
            "key": tab.key,
            "label": tab.label,
            "url": reverse_memo(tab.url_name),
            "icon": tab.icon,
            "badge": tab.badge,
            "primary": tab.primary,
            "current": False,
        }
        for tab in sorted(_TABS.values(), key=lambda t: (t.order, t.key))
        if any(user_has_role(user, role) for role in tab.roles)
    ]
    matching = [tab for tab in tabs if path.startswith(tab["url"])]
    if matching:
        max(matching, key=lambda tab: len(tab["url"]))["current"] = True
    return tabs
