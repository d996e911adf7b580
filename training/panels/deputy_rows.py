"""The rows of the deputy's training card after its summary line (the next session, the
quizzes to take, the top recommendation with its first reason, the survey waiting), written in
Python as the card's template (``training/deputy_panel.html``) wrote them: the same HTML,
tests/training/test_panel_rows.py compares the two in both languages. Per row the template's
reversal with an argument (~30 µs) and ``blocktranslate`` cost more than the rest of the card,
on the page deputies open most (issue #8). Every value is escaped here, and only the joined
result is marked safe; a translated text is not escaped, as ``blocktranslate`` leaves it."""

from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe

from core.render_env import gettext
from core.texts import escaped
from core.url_memo import pk_url_parts, pk_url_prefix, reverse_memo


def _link(url: str, text: str) -> str:
    return f'<li class="list-group-item"><a href="{url}">{text}</a>'


def card_rows_html(panel: dict) -> SafeString:
    """The card's rows of ``panel`` (``deputy.deputy_panel``'s context), the template's four
    lines of them joined by their line breaks and indents."""
    next_row = quiz_rows = recommended_rows = survey_row = ""
    if panel["next"] or panel["recommended"]:
        course_url = pk_url_prefix("training:course")
    if panel["next"]:
        current = panel["next"]
        day = current.next_session
        text = gettext("%(d)s 上课：%(t)s") % {
            "d": f"{day.month}月{day.day}日",  # |date:"n月j日"
            "t": escaped(current.course.title),
        }
        next_row = _link(f"{course_url}{int(current.course.pk)}/", text) + "</li>"
    if panel["quizzes"]:
        head, tail = pk_url_parts("training:quiz")
        words = gettext("待测试：%(t)s")
        quiz_rows = "".join(
            _link(
                f"{head}/{int(e.course.pk)}/{tail}",
                words % {"t": escaped(e.course.title)},
            )
            + "</li>"
            for e in panel["quizzes"]
        )
    if panel["recommended"]:
        words, rows = gettext("推荐：%(t)s"), []
        for item in panel["recommended"]:
            reason = ""
            if item.reasons:
                reason = f'<div class="small text-success">{escaped(item.reasons[0])}</div>'
            text = words % {"t": escaped(item.course.title)}
            rows.append(f"{_link(f'{course_url}{int(item.course.pk)}/', text)}{reason}</li>")
        recommended_rows = "".join(rows)
    if panel["survey"]:
        survey = panel["survey"]
        url = f"{pk_url_prefix('training:survey')}{int(survey.pk)}/"
        text = gettext("请填写：%(t)s") % {"t": escaped(survey.title)}
        survey_row = _link(url, text) + "</li>"
    # Safe: every value above is escaped, the ids integers, the texts translations.
    return mark_safe("\n    ".join((next_row, quiz_rows, recommended_rows, survey_row)))


def card_html(panel: dict) -> SafeString:
    """The whole card of ``panel`` (its rows ``card_rows_html``'s) as its template wrote it,
    without the template file's last line break (``training/deputy_panel.html`` adds it):
    the summary line's ``blocktranslate`` and the frame cost as much as the rows."""
    summary = panel["summary"]
    line = gettext("%(y)s 年已学 %(h)s 学时，结业 %(n)s 门课程") % {
        "y": int(summary["year"]),
        "h": floatformat(summary["hours"], "-1"),
        "n": int(summary["completed"]),
    }
    home = escaped(reverse_memo("training:home"))
    # Safe: the rows are safe HTML, the numbers numbers or floatformat's, the words
    # translations (not escaped, as the template's tags left them).
    return mark_safe(
        '\n<div class="card lv-card mb-3" id="panel-training">\n'
        '  <div class="card-header d-flex justify-content-between align-items-center">\n'
        f"    <span>{gettext('履职培训')}</span>\n"
        f'    <a class="small fw-normal" href="{home}">{gettext("我的培训")} ›</a>\n'
        "  </div>\n"
        '  <ul class="list-group list-group-flush">\n'
        f'    <li class="list-group-item small">{line}</li>\n'
        f"    {escaped(panel['rows_html'])}\n"
        "  </ul>\n"
        "</div>"
    )
