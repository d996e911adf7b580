"""A visit's problem on the deputy's visits page: Django's ``Truncator(…).chars(200)`` text,
the ellipsis translated only where a problem is cut."""

import unicodedata

from django.utils.text import Truncator
from django.utils.translation import override

from liaison.visits_html import _problem_text


def test_the_problem_text_is_the_truncators():
    decomposed = unicodedata.normalize("NFD", "é") * 150  # 300 code points, 150 characters
    for text in ["", "楼道灯坏了", "问" * 200, "问" * 201, "a" * 500, decomposed, decomposed * 2]:
        for language in ("zh-hans", "en"):
            with override(language):
                assert _problem_text(text) == Truncator(text).chars(200), (language, len(text))
    cut = _problem_text("问" * 201)
    assert cut.startswith("问" * 150) and cut != "问" * 201 and len(cut) <= 200
