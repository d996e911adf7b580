"""core.privacy: one masking for values, free text and log records; the template filter; the
deputy's own profile shows their full number."""

import logging
import sys

import pytest
from django.template import Context, Template
from django.urls import reverse

from core.privacy import install_log_guard, mask_phone, mask_phones_in


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13912345678", "139****5678"),
        ("139 1234 5678", "139****5678"),
        (13912345678, "139****5678"),
        ("12345", "****45"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("tel 13912345678.", "tel 139****5678."),
        ("'13912345678'", "'139****5678'"),
        ("+86 139-1234-5678 or 8613912345678", "139****5678 or 139****5678"),
        ("a=13912345678,b=13800001111", "a=139****5678,b=138****1111"),
    ],
)
def test_mask_phones_in_text(text, masked):
    assert mask_phones_in(text) == masked


@pytest.mark.parametrize(
    "text",
    ["1391234567", "139123456789", "2026-12-02 13:01:02", "id 113912345678", "0.5 seconds"],
)
def test_other_numbers_are_left_alone(text):
    assert mask_phones_in(text) == text


def test_a_traceback_is_masked_too():
    install_log_guard()
    logger = logging.getLogger("tests.privacy")
    try:
        raise ValueError("duplicate 13912345678")
    except ValueError:
        record = logger.makeRecord(
            "tests.privacy", logging.ERROR, __file__, 1, "failed", (), exc_info=sys.exc_info()
        )
    text = logging.Formatter().format(record)
    assert "13912345678" not in text and "139****5678" in text


def test_installing_twice_wraps_once():
    install_log_guard()
    factory = logging.getLogRecordFactory()
    install_log_guard()
    assert logging.getLogRecordFactory() is factory


def test_template_filter():
    rendered = Template("{% load privacy %}{{ p|mask_phone }}").render(
        Context({"p": "13912345678"})
    )
    assert rendered == "139****5678"


@pytest.mark.django_db
def test_a_deputy_sees_their_own_full_number_on_their_profile(deputy_client, deputy):
    body = deputy_client.get(reverse("deputies:profile")).content.decode()
    assert deputy.mobile in body
