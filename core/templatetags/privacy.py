"""``{{ value|mask_phone }}``: a phone as pages, printouts and exports show it (``138****5678``),
the one masking of ``core.privacy``."""

from django import template

from core.privacy import mask_phone as _mask_phone

register = template.Library()


@register.filter
def mask_phone(value) -> str:
    return _mask_phone(value)
