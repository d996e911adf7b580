"""A model field's choice label, as ``get_<field>_display()`` gives it, from the field's labels
translated once per language.

Django's ``get_<field>_display()`` builds a hashable copy of the field's choices on every call,
hashing (so translating) every label, then translates the one it returns: ~20 µs, paid on
every row of a list and several times on the deputy's dashboard (issue #8).
"""

from django.utils.encoding import force_str

from core import render_env
from core.compiled import Kept

_LABELS = Kept(limit=256)  # (field, language) -> {value: label}


def choice_label(obj, name: str):
    """``obj.get_<name>_display()``. Choices given as a callable, or whose values cannot be
    hashed, keep Django's own path (``Model._get_FIELD_display``, never a model's override,
    so a model may define its ``get_<name>_display`` with this)."""
    field = obj._meta.get_field(name)
    value = getattr(obj, field.attname)
    key = (field, render_env.language())
    labels = _LABELS.get(key)
    if labels is None:
        if not isinstance(field.choices, list | tuple):
            return obj._get_FIELD_display(field)
        try:
            labels = {
                choice: force_str(label, strings_only=True)
                for choice, label in dict(field.flatchoices).items()
            }
        except TypeError:  # list-like choices: Django's make_hashable path
            return obj._get_FIELD_display(field)
        _LABELS.get_or_make(key, lambda: labels)
    try:
        label = labels.get(value, labels)  # the dict itself: no such choice
    except TypeError:
        return obj._get_FIELD_display(field)
    return force_str(value, strings_only=True) if label is labels else label
