"""Helpers for tests that post an admin change form back as a browser would."""


def admin_post_data(response) -> dict:
    """The change form's values as a browser would post them back, inlines included."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += formset.initial_forms
        management = formset.management_form
        for name in ("INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[management[name].html_name] = management[name].value()
        data[management["TOTAL_FORMS"].html_name] = formset.initial_form_count()
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or bound.name == "photo" or bound.field.disabled:
                continue
            data[bound.html_name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data
