"""Pages for deputies, handling units, committee staff and the public, one module each. Each
view scopes its queryset to the user first, so another party's id is a 404, and calls one
service. ``suggestions.urls`` names them through this package."""

from .deputy import deputy_detail, deputy_edit, deputy_evaluate, deputy_list, deputy_submit
from .public import public_qr, public_rate, qr_print
from .shared import attachment_download, index
from .staff import staff_home, staff_scores, staff_stats
from .unit import (
    unit_accept,
    unit_commitment_add,
    unit_commitment_update,
    unit_detail,
    unit_extension,
    unit_feasibility,
    unit_home,
    unit_meeting,
    unit_reply,
    unit_report,
    unit_return,
)

__all__ = [
    "attachment_download",
    "deputy_detail",
    "deputy_edit",
    "deputy_evaluate",
    "deputy_list",
    "deputy_submit",
    "index",
    "public_qr",
    "public_rate",
    "qr_print",
    "staff_home",
    "staff_scores",
    "staff_stats",
    "unit_accept",
    "unit_commitment_add",
    "unit_commitment_update",
    "unit_detail",
    "unit_extension",
    "unit_feasibility",
    "unit_home",
    "unit_meeting",
    "unit_reply",
    "unit_report",
    "unit_return",
]
