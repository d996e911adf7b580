from django import template

register = template.Library()

STATUS_CLASSES = {
    "draft": "text-bg-light border",
    "submitted": "text-bg-info",
    "registered": "text-bg-primary",
    "not_registered": "text-bg-secondary",
    "assigned": "text-bg-warning",
    "in_handling": "text-bg-warning",
    "replied": "text-bg-primary",
    "evaluated": "text-bg-primary",
    "concluded": "text-bg-success",
    "closed": "text-bg-dark",
}
RESULT_CLASSES = {"A": "text-bg-success", "B": "text-bg-warning", "C": "text-bg-secondary"}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(str(status), "text-bg-light")


@register.filter
def result_class(value: str) -> str:
    return RESULT_CLASSES.get(str(value), "text-bg-light")


@register.inclusion_tag("suggestions/_status_badge.html")
def status_badge(suggestion):
    return {"status": suggestion.status, "label": suggestion.get_status_display()}
