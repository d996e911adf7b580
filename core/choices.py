"""A model field's choice label, as ``get_<field>_display()`` gives it, from the field's labels
translated once per language.

Django's ``get_<field>_display()`` builds a hashable copy of the field's choices on every call,
hashing (so translating) every label, then translates the one it returns: ~20 µs, paid on
every row of a list and several times on the deputy's dashboard (issue #8).
"""

from collections.abc import Callable

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

from core import render_env
from core.compiled import Kept

_LABELS = Kept(limit=256)  # (field, language) -> {value: label}


def choice_label(obj, name: str):
    """``obj.get_<name>_display()``. Choices given as a callable, or whose values cannot be
    hashed, keep Django's own path (``Model._get_FIELD_display``, never a model's override,
    so a model may define its ``get_<name>_display`` with this)."""
    field = obj._meta.get_field(name)
    return _label(field, getattr(obj, field.attname), lambda: obj._get_FIELD_display(field))


def value_label(model, name: str, value):
    """The label ``choice_label`` gives a ``model`` row whose field ``name`` holds ``value``,
    for a value a list read by a join without its row (``Level`` of a ledger entry's
    deputy)."""
    field = model._meta.get_field(name)

    def django_path():
        labels = dict(make_hashable(field.flatchoices))
        return force_str(labels.get(make_hashable(value), value), strings_only=True)

    return _label(field, value, django_path)


def _label(field, value, django_path: Callable[[], object]):
    key = (field, render_env.language())
    labels = _LABELS.get(key)
    if labels is None:
        if not isinstance(field.choices, list | tuple):
            return django_path()
        try:
            labels = {
                choice: force_str(label, strings_only=True)
                for choice, label in dict(field.flatchoices).items()
            }
        except TypeError:  # list-like choices: Django's make_hashable path
            return django_path()
        _LABELS.get_or_make(key, lambda: labels)
    try:
        label = labels.get(value, labels)  # the dict itself: no such choice
    except TypeError:
        return django_path()
    return force_str(value, strings_only=True) if label is labels else label
