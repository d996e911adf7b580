"""The console watch the flows rely on: a page under the site's Content-Security-Policy that tries
an inline script logs the refusal, and ``shot`` fails on it. Without this, "no errors" in the
flows could mean the watch saw nothing."""

import pytest

from .conftest import PHONE, shot


def test_an_inline_script_is_refused_and_the_screenshot_check_fails(open_tab):
    tab = open_tab("0-console", PHONE)
    response = tab.go("/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    tab.page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "document.title = 'injected'";
            document.body.appendChild(script);
        }"""
    )
    assert tab.page.title() != "injected"
    with pytest.raises(AssertionError, match="Content Security Policy"):
        shot(tab, "csp-refused")
    assert tab.errors == []  # reported once, then cleared
