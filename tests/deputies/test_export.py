"""The roster export of the admin streams its CSV, dated and formula-safe."""

import csv
import io

from django.conf import settings
from django.http import StreamingHttpResponse

from core import clock
from tests.deputies.factories import DeputyFactory

CHANGELIST = "/admin/deputies/deputy/"


def test_roster_csv_is_streamed_dated_and_formula_safe(staff_client):
    plain = DeputyFactory(code="E1", name="王芳")
    evil = DeputyFactory(code="E2", name="@SUM(1+1)")
    response = staff_client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [plain.pk, evil.pk]}
    )
    assert isinstance(response, StreamingHttpResponse)
    stamp = clock.today().strftime("%Y%m%d")  # (the pinned-clock case: tests/core)
    assert response["Content-Disposition"].startswith(f'attachment; filename="deputies-{stamp}-')
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows the Chinese
    title, *rows = csv.reader(io.StringIO(body.decode("utf-8-sig")))
    assert title[0] == settings.LVZHI_COMMITTEE_NAME and title[-1].startswith("生成时间：")
    assert rows[0][:2] == ["代表编号", "姓名"]
    assert sorted(r[:2] for r in rows[1:]) == [["E1", "王芳"], ["E2", "'@SUM(1+1)"]]
