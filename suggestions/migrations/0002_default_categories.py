from django.db import migrations

# A copy, so that later edits of the constant do not rewrite history.
CATEGORIES = (
    "教育",
    "医疗卫生",
    "就业和社会保障",
    "消防安全",
    "住房和物业",
    "食品安全",
    "交通出行",
    "城市管理和环境",
    "养老服务",
    "社区治理",
    "其他",
)


def add_categories(apps, schema_editor):
    Category = apps.get_model("suggestions", "Category")
    for order, name in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0001_initial")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
