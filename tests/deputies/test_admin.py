import io
from datetime import date

import pytest
from django.conf import settings
from openpyxl import load_workbook

from deputies.models import Deputy, Level, Status
from tests.deputies.factories import ConstituencyFactory, DeputyFactory
from tests.deputies.sheets import GOOD_ROWS, xlsx

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/deputies/deputy/"


def test_staff_import_good_file_then_filter(staff_client):
    response = staff_client.post(f"{CHANGELIST}import/", {"file": xlsx(GOOD_ROWS)})
    assert response.status_code == 302
    assert Deputy.objects.count() == 3
    page = staff_client.get(CHANGELIST, {"level__exact": Level.DISTRICT})
    body = page.content.decode()
    assert "王芳" in body and "李强" not in body
    assert "139****0001" in body and "13900000001" not in body


def test_staff_import_bad_file_reports_rows_and_imports_nothing(staff_client):
    rows = [*GOOD_ROWS, ["A009", "错行", "男", "乡镇", "第一选区", "139", ""]]
    response = staff_client.post(f"{CHANGELIST}import/", {"file": xlsx(rows)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "未导入任何记录" in body and "第 5 行" in body
    assert Deputy.objects.count() == 0


def test_import_rejects_other_file_types(staff_client):
    upload = io.BytesIO(b"%PDF-1.4")
    upload.name = "roster.pdf"
    response = staff_client.post(f"{CHANGELIST}import/", {"file": upload})
    assert response.status_code == 200 and "只支持" in response.content.decode()


def test_search_by_name_code_and_phone(staff_client):
    DeputyFactory(name="欧阳娜", code="Q77", mobile="13611112222")
    DeputyFactory(name="别人")
    for term in ("欧阳", "Q77", "13611112222"):
        body = staff_client.get(CHANGELIST, {"q": term}).content.decode()
        assert "欧阳娜" in body and "别人" not in body


def test_export_selected_as_xlsx_round_trips(staff_client):
    deputy = DeputyFactory(name="王芳", code="E1")
    response = staff_client.post(
        CHANGELIST, {"action": "export_xlsx", "_selected_action": [deputy.pk]}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    # Streamed from a temporary file (FileResponse): the rows are never all in memory.
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    title, *rows = sheet.iter_rows(values_only=True)
    assert title[0] == settings.LVZHI_COMMITTEE_NAME  # the title line above the header
    assert rows[0][:6] == ("代表编号", "姓名", "性别", "层级", "选区", "手机")
    assert rows[1][0] == "E1" and rows[1][3] == "街道议政代表"


def test_mark_left_office_action(staff_client):
    deputy = DeputyFactory()
    staff_client.post(
        CHANGELIST,
        {
            "action": "mark_left_office",
            "_selected_action": [deputy.pk],
            "apply": "1",
            "status": Status.RESIGNED,
            "status_date": "2026-03-01",
            "reason": "工作调动",
        },
    )
    deputy.refresh_from_db()
    assert (deputy.status, deputy.status_date) == (Status.RESIGNED, date(2026, 3, 1))


def test_changelist_queries_do_not_grow(staff_client, django_assert_max_num_queries):
    constituency = ConstituencyFactory()
    DeputyFactory.create_batch(5, constituency=constituency)
    with django_assert_max_num_queries(20) as small:
        staff_client.get(CHANGELIST)
    DeputyFactory.create_batch(30, constituency=constituency)
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(CHANGELIST)


@pytest.mark.parametrize("who", ["deputy_client", "anonymous"])
def test_only_staff_reach_the_roster_admin(request, client, who):
    http = request.getfixturevalue(who) if who != "anonymous" else client
    response = http.get(f"{CHANGELIST}import/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_create_accounts_action_gives_deputies_a_login(staff_client, client):
    deputy = DeputyFactory(code="N01")
    response = staff_client.post(
        CHANGELIST, {"action": "create_accounts", "_selected_action": [deputy.pk]}
    )
    deputy.refresh_from_db()
    assert deputy.user is not None and deputy.user.username == "n01"
    password = response.context["created"][0][2]
    assert password in response.content.decode()
    # through the login page: the lockout backend needs the request Client.login lacks
    login = {"username": "n01", "password": password}
    assert client.post("/accounts/login/", login).status_code == 302
    assert deputy.user.is_deputy and not deputy.user.is_staff
    # the password was issued by staff: the deputy chooses their own at the first login
    deputy.user.refresh_from_db()
    assert deputy.user.must_change_password


def test_admin_form_explains_a_resignation_without_reason(staff_client):
    deputy = DeputyFactory()
    url = f"{CHANGELIST}{deputy.pk}/change/"
    form = staff_client.get(url).context["adminform"].form
    # an empty photo (FieldFile without a file) is not posted back, as a browser would not
    data = {k: v for k, v in form.initial.items() if v is not None and k != "photo"}
    data.update(
        {
            "status": Status.RESIGNED,
            "status_date": "2026-02-01",
            "status_reason": "",
            "constituency": deputy.constituency_id,
            "term": deputy.term_id,
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "须填写日期和原因" in response.content.decode()
    deputy.refresh_from_db()
    assert deputy.status == Status.SERVING
