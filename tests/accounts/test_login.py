import pytest

from accounts.roles import Role
from tests.accounts.factories import UnitUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_and_uses_site_template(client):
    body = client.get("/accounts/login/").content.decode()
    assert "登录" in body and "bootstrap.min.css" in body and "cdn" not in body.lower()


def test_deputy_logs_in_and_lands_on_dashboard(client, deputy, password):
    response = client.post(
        "/accounts/login/", {"username": deputy.user.username, "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/deputy/"
    assert deputy.name in response.content.decode()


def test_wrong_password_shows_a_clear_message(client, deputy):
    response = client.post("/accounts/login/", {"username": deputy.user.username, "password": "x"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_staff_lands_in_admin(staff_client):
    assert staff_client.get("/").url == "/admin/"


def test_unit_user_lands_on_unit_portal(client):
    client.force_login(UnitUserFactory())
    assert client.get("/").url == "/suggestions/unit/"


def test_anonymous_goes_to_login(client):
    assert client.get("/").url == "/accounts/login/"
    assert client.get("/deputy/").url.startswith("/accounts/login/")


def test_user_without_role_gets_a_clear_page(client):
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 403 and "还没有分配角色" in response.content.decode()


def test_deputies_never_see_the_admin(deputy_client):
    response = deputy_client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url


@pytest.mark.parametrize("fixture", ["staff_client", "unit_client"])
def test_dashboard_is_for_deputies_only(request, fixture):
    http = request.getfixturevalue(fixture)
    assert http.get("/deputy/").status_code == 403


def test_deputy_role_without_profile_is_refused(client):
    client.force_login(UserFactory(roles=[Role.DEPUTY]))
    response = client.get("/deputy/")
    assert response.status_code == 403 and "尚未关联代表档案" in response.content.decode()


def test_deputy_sees_own_profile_with_their_own_full_number(deputy_client, deputy, other_deputy):
    """Their own number in full (it is theirs); nobody else's number is on the page."""
    body = deputy_client.get("/deputy/profile/").content.decode()
    assert deputy.code in body and deputy.mobile in body
    assert other_deputy.mobile not in body and other_deputy.masked_mobile not in body


def test_logout_is_post_only(deputy_client):
    assert deputy_client.post("/accounts/logout/").status_code == 302
    assert deputy_client.get("/deputy/").status_code == 302


def test_roles_exist_as_groups():
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert {r.value for r in Role} <= names
    staff = Group.objects.get(name=Role.STAFF.value)
    assert staff.permissions.filter(codename="change_deputy").exists()


def test_chinese_by_default_even_for_english_browsers(client):
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "用户名" in body and "Username" not in body


def test_english_when_chosen(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    body = client.get("/accounts/login/").content.decode()
    assert "Username" in body


def test_language_switch_names_each_language_in_itself(client):
    body = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in body and ">English</button>" in body
    assert ">简体中文</button>" in body and "英语" not in body
