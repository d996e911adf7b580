"""Import of hotline (12345) and grid (网格) events for the public-opinion index.

The sheets other systems export are brought in through ``core.importing``: every row or none.
Columns: 日期 (occurred_on), 来源 (source: 12345 / 网格 / 其他, by label or code), 类别
(category, a suggestion category's name), 社区 (community, by name), 摘要 (summary, may be
empty: the index counts events). A bad or future date or an unknown source is a row error; so
is an unknown category or community, unless ``create_missing`` (then the run creates it, and
a refused or dry run undoes that with everything else).
"""

from datetime import date
from pathlib import Path
from typing import IO, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core.importing import Importer, RowForm, SheetChoiceField, SheetDateField
from core.tabular import Column, ImportResult, Row
from deputies.models import Community
from suggestions.public import Category

from .models import EventSource, ExternalEvent

COLUMNS = [
    Column("occurred_on", (gettext_noop("日期"), "发生日期", "受理日期", "date"), required=True),
    Column("source", (gettext_noop("来源"), "渠道"), required=True),
    Column("category", (gettext_noop("类别"), "分类"), required=True),
    Column("community", (gettext_noop("社区"), "所属社区"), required=True),
    Column("summary", (gettext_noop("摘要"), "内容", "诉求内容")),
]
ERR_UNKNOWN_CATEGORY = gettext_noop("找不到类别“%(name)s”（可用 --create-missing 自动创建）。")
ERR_UNKNOWN_COMMUNITY = gettext_noop("找不到社区“%(name)s”（可用 --create-missing 自动创建）。")
ERR_NAME_TOO_LONG = gettext_noop("名称不能超过 %(n)d 个字。")


class EventRowForm(RowForm):
    occurred_on = SheetDateField()
    source = SheetChoiceField(EventSource)
    category = forms.CharField()
    community = forms.CharField()
    summary = forms.CharField(required=False)

    empty_cells_say_empty = True

    def clean(self):
        data = super().clean()
        self.not_in_future("occurred_on")
        return data


def _name_limits() -> dict[str, int]:
    return {
        "category": Category._meta.get_field("name").max_length,
        "community": Community._meta.get_field("name").max_length,
    }


class EventImporter(Importer):
    columns = COLUMNS
    audit_action = "liaison.events.import"
    audit_summary = gettext_noop("导入外部民情事件 %(created)d 条")
    success_message = gettext_noop("已导入 %(created)d 条外部民情事件（12345 热线、网格等）。")

    def __init__(self, *, create_missing: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.create_missing = create_missing
        self.categories: dict[str, Category] = {}
        self.communities: dict[str, Community] = {}

    def prepare(self, rows: list[Row]) -> None:
        def names(column: str) -> set[str]:
            return {str(r.get(column) or "").strip() for r in rows} - {""}

        self.categories = {c.name: c for c in Category.objects.filter(name__in=names("category"))}
        self.communities = {
            c.name: c for c in Community.objects.filter(name__in=names("community"))
        }

    def parse_row(self, row: Row) -> dict | None:
        form = EventRowForm.for_row(row, today=self.today)
        if not form.is_valid():
            self.form_errors(row.line, form)
            return None
        data = form.cleaned_data
        ok = True
        for column, known, unknown in (
            ("category", self.categories, ERR_UNKNOWN_CATEGORY),
            ("community", self.communities, ERR_UNKNOWN_COMMUNITY),
        ):
            name = data[column]
            if name in known:
                continue
            limit = _name_limits()[column]
            if not self.create_missing:
                self.error(row.line, _(unknown) % {"name": name}, column)
                ok = False
            elif len(name) > limit:
                self.error(row.line, _(ERR_NAME_TOO_LONG) % {"n": limit}, column)
                ok = False
        return data if ok else None

    def _named(self, known: dict, model, name: str):
        if name not in known:
            known[name] = model.objects.create(name=name)
        return known[name]

    def write(self, parsed: list[dict], result: ImportResult) -> None:
        events = [
            ExternalEvent(
                occurred_on=data["occurred_on"],
                source=data["source"],
                category=self._named(self.categories, Category, data["category"]),
                community=self._named(self.communities, Community, data["community"]),
                summary=data["summary"],
                imported_by=self.actor,
            )
            for data in parsed
        ]
        ExternalEvent.objects.bulk_create(events, batch_size=1000)
        result.created = len(events)

    def template_rows(self) -> list[list[Any]]:
        day = self.today.isoformat()
        return [
            [day, "12345", _("城市管理"), _("东湖社区"), _("夜间施工噪音扰民")],
            [day, _("网格"), _("民生保障"), _("西河社区"), _("独居老人助餐需求")],
        ]


def events_import(
    *,
    source: str | Path | IO[bytes],
    filename: str = "",
    create_missing: bool = False,
    actor: User | None = None,
    today: date | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Bring in a sheet of hotline/grid events, all rows or none (see the module docstring)."""
    importer = EventImporter(actor=actor, today=today, create_missing=create_missing)
    return importer.run(source=source, filename=filename, dry_run=dry_run)
