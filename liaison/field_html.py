"""A form field written as crispy-forms' bootstrap5 ``field.html`` writes it (label, widget with
its bootstrap classes, errors, help text), built in Python from Django's own widget context.

Why: the residents' opinion form is the page every QR code leads to, and rendering its seven
fields through ``|as_crispy_field`` cost most of the page: crispy's field template with its
includes, then Django's widget templates, with ``attrs.html`` included once per ``<option>``.
Here the same markup (equal as HTML, see tests/liaison/test_opinion_field_html.py) is written
directly for the widgets that form uses: text inputs, textareas, selects and checkboxes.
Anything else (file inputs, radio lists, multi-widgets, hidden fields) is handed to crispy.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

#: The widgets written here; a subclass keeps its own class name in the ``class`` attribute,
#: as crispy writes it.
LEAN_WIDGETS = (forms.TextInput, forms.Textarea, forms.Select, forms.CheckboxInput)


def attrs_html(attrs: dict) -> SafeString:
    """``django/forms/widgets/attrs.html``: ``True`` as a bare name, ``False`` left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(' {}="{}"', name, str(value)) if value is not True else f" {name}",)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _options_html(widget: forms.Select, value) -> SafeString:
    """The options of a single ``Select`` as ``select.html`` and ``select_option.html`` write
    them: only the first option whose value matches is selected."""
    chosen = set(widget.format_value(value))
    parts, selected = [], False
    for option_value, label in widget.choices:
        text = str(option_value if option_value is not None else "")
        is_selected = not selected and text in chosen
        selected = selected or is_selected
        parts.append(
            format_html(
                '\n  <option value="{}"{}>{}</option>',
                text,
                mark_safe(" selected") if is_selected else "",
                label,
            )
        )
    return mark_safe("".join(parts))


def _add_crispy_classes(field: BoundField, css: str) -> None:
    """What ``{% crispy_field field 'class' css %}`` does before rendering: the widget's class
    name and the words of ``css`` added to its ``class`` attribute (kept on the widget)."""
    widget = field.field.widget
    class_name = widget.__class__.__name__.lower()
    current = widget.attrs.get("class", "")
    classes = (current if class_name in current else f"{current} {class_name}").strip()
    for word in css.split():
        if word not in classes.split():
            classes += f" {word}"
    widget.attrs["class"] = classes


def widget_html(field: BoundField) -> SafeString:
    """``{{ field }}`` (``BoundField.as_widget``) for a text input, textarea, single select or
    checkbox: Django's attributes (required, aria-invalid, aria-describedby, id) in Django's
    order, written as Django's widget templates write them."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    value = field.value()
    if isinstance(widget, forms.Select):
        # The widget's attributes without ChoiceWidget.get_context's options: those read the
        # choices (a query for a model field) that _options_html reads once.
        context = forms.Widget.get_context(widget, field.html_name, value, attrs)["widget"]
    else:
        context = widget.get_context(field.html_name, value, attrs)["widget"]
    name, shown = context["name"], context["attrs"]
    if isinstance(widget, forms.Select):
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            attrs_html(shown),
            _options_html(widget, value),
        )
    if isinstance(widget, forms.Textarea):
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>', name, attrs_html(shown), context["value"] or ""
        )
    value_html = (
        "" if context["value"] is None else format_html(' value="{}"', str(context["value"]))
    )
    return format_html(
        '<input type="{}" name="{}"{}{}>', context["type"], name, value_html, attrs_html(shown)
    )


def _crispy_widget_html(field: BoundField, css: str) -> SafeString:
    _add_crispy_classes(field, css)
    return widget_html(field)


def _label_html(field: BoundField, css: str) -> SafeString:
    required = " requiredField" if field.field.required else ""
    star = mark_safe('<span class="asteriskField">*</span>') if field.field.required else ""
    return format_html(
        '<label for="{}" class="{}{}">{}{}</label>',
        field.id_for_label,
        css,
        required,
        field.label,
        star,
    )


def _errors_and_help_html(field: BoundField) -> SafeString:
    """``help_text_and_errors.html`` (errors as a block, then the help text)."""
    parts = []
    if field.errors:
        errors = format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            ((n, field.auto_id, error) for n, error in enumerate(field.errors, start=1)),
        )
        parts.append(
            format_html(
                '<div id="{}_error" class="invalid-feedback">{}</div>', field.auto_id, errors
            )
        )
    if field.help_text:
        help_id = format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else ""
        parts.append(
            format_html('<div {}class="form-text">{}</div>', help_id, mark_safe(field.help_text))
        )
    return mark_safe("".join(parts))


def _css_classes(field: BoundField) -> str:
    extra = field.css_classes()
    return f" {extra}" if extra else ""


def field_html(field: BoundField) -> SafeString:
    """``{{ field|as_crispy_field }}`` for a text input, textarea, select or checkbox."""
    widget = field.field.widget
    invalid = " is-invalid" if field.errors else ""
    if isinstance(widget, forms.CheckboxInput):
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check{}">{}{}{}</div></div>',
            field.auto_id,
            _css_classes(field),
            _crispy_widget_html(field, "form-check-input" + invalid),
            _label_html(field, "form-check-label"),
            _errors_and_help_html(field),
        )
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}{}</div>',
        field.auto_id,
        _css_classes(field),
        _label_html(field, "form-label") if field.label else "",
        _crispy_widget_html(field, css + invalid),
        _errors_and_help_html(field),
    )


def is_lean(field: BoundField) -> bool:
    """Whether ``field_html`` writes this field (else crispy does)."""
    widget = field.field.widget
    return (
        isinstance(widget, LEAN_WIDGETS)
        and not widget.is_hidden
        and not isinstance(widget, (forms.RadioSelect, forms.SelectMultiple, forms.FileInput))
        and not getattr(widget, "allow_multiple_selected", False)
        and not getattr(field.form, "helper", None)
    )
