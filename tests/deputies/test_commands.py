import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from deputies.models import Deputy, Level
from tests.deputies.sheets import GOOD_ROWS, xlsx

pytestmark = pytest.mark.django_db


def test_import_deputies_command(tmp_path, capsys):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx(GOOD_ROWS).getvalue())
    call_command("import_deputies", str(path))
    assert "新增 3 名" in capsys.readouterr().out
    assert Deputy.objects.count() == 3


def test_import_deputies_command_reports_every_bad_row(tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_text(
        "code,name,gender,level,constituency,phone\n"
        "A1,王芳,女,district,一,13900000001\n"
        "A2,李强,X,district,一,13900000002\n"
        "A3,赵敏,女,town,一,1\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="3 处错误"):
        call_command("import_deputies", str(path))
    err = capsys.readouterr().err
    assert "第 3 行「性别」" in err and "第 4 行「层级」" in err and "第 4 行「手机」" in err
    assert Deputy.objects.count() == 0


def test_import_deputies_missing_file():
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_deputies", "/nonexistent/roster.csv")


def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    first = (Deputy.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (Deputy.objects.count(), User.objects.count()) == first
    assert 55 <= first[0] <= 70
    assert set(Deputy.objects.values_list("level", flat=True)) == set(Level.values)
    out = capsys.readouterr().out
    assert "clerk" in out and "d001" in out and "lvzhi2026" in out
    assert User.objects.get(username="d001").check_password("lvzhi2026")
