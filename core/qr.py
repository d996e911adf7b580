"""QR codes for printed posters and screens, on segno (pure Python, no image library).

Every QR code of the site encodes a public URL (a rating page, a station's or a deputy's
opinion page), so the helpers take an absolute URL; :func:`absolute_url` builds one from the
request, which sees the host and scheme the visitor used (behind the configured proxy).
"""

import io

import segno
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .tabular import file_response

# Error correction "M" (15 %) survives a creased or partly covered poster; a 4-module quiet
# zone is what the standard asks for and what phone scanners need on a busy background.
_ERROR = "m"
_BORDER = 4


def absolute_url(request: HttpRequest, url_name: str, *args, **kwargs) -> str:
    return request.build_absolute_uri(reverse(url_name, args=args or None, kwargs=kwargs or None))


def qr_svg(url: str, *, scale: int = 8, inline: bool = False) -> str:
    """The code as SVG text. ``inline`` leaves out the XML declaration, so the result can be
    put straight into an HTML page (the poster); without it the SVG is a standalone file."""
    buffer = io.BytesIO()
    segno.make(url, error=_ERROR, micro=False).save(
        buffer,
        kind="svg",
        scale=scale,
        border=_BORDER,
        xmldecl=not inline,
        svgns=True,
        nl=False,
    )
    return buffer.getvalue().decode()


def qr_png(url: str, *, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error=_ERROR, micro=False).save(buffer, kind="png", scale=scale, border=_BORDER)
    return buffer.getvalue()


def qr_response(url: str, *, fmt: str, filename: str) -> HttpResponse:
    """``fmt`` "png" downloads a PNG named ``filename``.png; anything else shows the SVG."""
    if fmt == "png":
        return file_response(qr_png(url), f"{filename}.png")
    return HttpResponse(qr_svg(url), content_type="image/svg+xml")
