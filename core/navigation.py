"""The site's top navigation, contributed by each app.

An app registers its menu items in ``AppConfig.ready`` (as it registers dashboard panels), so a
new app such as liaison or training adds itself without editing the base template.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from accounts.roles import Role, user_has_role


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
    return [(item.label, reverse(item.url_name)) for item in items if item.shown_to(user)]
