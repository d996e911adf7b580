"""core.qr: what the codes encode reads back with OpenCV's detector, SVG and PNG alike."""

import cv2
import numpy as np
import pytest

from core.qr import qr_png, qr_response, qr_svg
from tests.suggestions import helpers


def decode_png(data: bytes) -> str:
    """The text a phone would read from the PNG (OpenCV's QR detector)."""
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    assert image is not None, "not a PNG"
    # The classic detector misses some version-4 codes (alignment pattern); a phone does not,
    # nor does the ArUco-based detector, so either one reading it is enough.
    for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
        text, _points, _straight = detector.detectAndDecode(image)
        if text:
            return text
    return ""


def test_png_decodes_to_the_url():
    url = "https://lvzhi.example.cn/liaison/opinion/s/12/"
    assert decode_png(qr_png(url)) == url


def test_damaged_png_reads_nothing():
    data = bytearray(qr_png("https://lvzhi.example.cn/"))
    blank = np.full((200, 200), 255, dtype=np.uint8)
    assert decode_png(cv2.imencode(".png", blank)[1].tobytes()) == ""
    assert data.startswith(b"\x89PNG")


def test_svg_standalone_and_inline():
    url = "https://lvzhi.example.cn/liaison/opinion/d/D001/"
    standalone = qr_svg(url)
    inline = qr_svg(url, inline=True)
    assert standalone.startswith("<?xml")
    assert inline.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in inline


def test_response_kinds():
    url = "https://lvzhi.example.cn/x/"
    png = qr_response(url, fmt="png", filename="code")
    assert png["Content-Type"] == "image/png"
    assert 'filename="code.png"' in png["Content-Disposition"]
    svg = qr_response(url, fmt="anything-else", filename="code")
    assert svg["Content-Type"] == "image/svg+xml"


@pytest.mark.django_db
def test_suggestion_rating_code_is_segno_and_decodes(client):
    suggestion = helpers.replied()
    response = client.get(f"/suggestions/rate/{suggestion.public_token}/qr.svg?format=png")
    assert response.status_code == 200
    assert decode_png(response.content) == (
        f"http://testserver/suggestions/rate/{suggestion.public_token}/"
    )
