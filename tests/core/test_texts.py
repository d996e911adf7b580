"""``core.texts.chars``: Django's ``Truncator(…).chars(n)`` text, the ellipsis translated
only where a text is cut."""

import unicodedata

from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy, override

from core import texts


def test_the_text_is_the_truncators():
    decomposed = unicodedata.normalize("NFD", "é") * 150  # 300 code points, 150 characters
    mixed = "问" * 59 + decomposed  # combining characters only past the cut of 60
    samples = ["", "楼道灯坏了", "问" * 200, "问" * 201, "a" * 500, decomposed, decomposed * 2]
    for text in [*samples, mixed, "问" * 60 + unicodedata.normalize("NFD", "é")]:
        for length in (0, 1, 2, 3, 4, 59, 60, 61, 200):
            for language in ("zh-hans", "en"):
                with override(language):
                    expected = Truncator(text).chars(length)
                    assert texts.chars(text, length) == expected, (language, len(text), length)
    cut = texts.chars("问" * 201, 200)
    assert cut.startswith("问" * 150) and cut != "问" * 201 and len(cut) <= 200


def test_the_ellipsis_is_translated_once_per_language(monkeypatch):
    """A text that fits asks no translation; a cut one asks for the ellipsis once per
    language, however many texts are cut."""
    texts._ellipsis.cache_clear()
    asked = []
    real = translation.pgettext
    monkeypatch.setattr(translation, "pgettext", lambda *args: asked.append(args) or real(*args))
    assert texts.chars("楼道灯坏了", 200) == "楼道灯坏了" and asked == []
    for _ in range(3):
        texts.chars("问" * 201, 200)
    assert len(asked) == 1
    with override("en"):
        texts.chars("问" * 201, 200)
    assert len(asked) == 2
    texts._ellipsis.cache_clear()


def test_escaped_is_conditional_escape():
    """The same safe text as Django's ``conditional_escape`` for plain, safe and lazy text,
    numbers, None and an object with ``__html__``."""

    class Html:
        def __html__(self):
            return "<b>x</b>"

    values = [
        "<a href=\"?q=1&x=2\">'引号'</a>",
        "",
        mark_safe("<i>已标记</i>"),
        format_html("<b>{}</b>", "<x>"),
        gettext_lazy("<分/次>"),
        3,
        2.5,
        None,
        Html(),
    ]
    for value in values:
        assert texts.escaped(value) == conditional_escape(value)
        assert type(texts.escaped(value)) is type(conditional_escape(value))
    assert texts.escaped("<x>") == "&lt;x&gt;"
    assert isinstance(texts.escaped("<x>"), SafeString)
