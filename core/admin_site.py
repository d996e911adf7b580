"""The clerk's workbench: Django's admin as the committee's own site.

* Titles carry the committee's name (``LVZHI_COMMITTEE_NAME``), not a product name.
* One login: ``/admin/login/`` sends people to the site's own sign-in page (with its lockout,
  password rules and first-login change), never to a second, stock one.
* The sidebar and the index list models by task (代表队伍, 履职档案, 考核与表彰, 建议办理, …)
  in the order a clerk works, not by Python app; a model missing from ``TASKS`` still appears,
  under 系统设置, so nothing registered can be hidden by forgetting it here.
* The app list (sidebar, index) is built once per permission set and language, not on every
  admin request (``core.admin_nav``); the staff member's permission set comes from the cache,
  dropped whenever permissions or groups change (``core.admin_perms``).
* Every list can be exported as .xlsx (``export_xlsx``: the rows chosen or, with "select all",
  the whole filtered list), recorded in the audit log as an export.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import admin_perms
from .admin_export import export_xlsx
from .admin_nav import AppListMemo

# (task key, task name, [(app label, model name), …]) in the order of the clerk's work.
TASKS = [
    (
        "deputies",
        _("代表队伍"),
        [
            ("deputies", "deputy"),
            ("deputies", "term"),
            ("deputies", "constituency"),
            ("deputies", "community"),
            ("deputies", "professionalgroup"),
        ],
    ),
    (
        "ledger",
        _("履职档案"),
        [
            ("performance", "ledgerentry"),
            ("performance", "activity"),
            ("performance", "dispute"),
            ("performance", "idlereminder"),
            ("performance", "supervisiontopic"),
            ("performance", "topicsignup"),
            ("performance", "publication"),
            ("performance", "voterreportplan"),
            ("performance", "voterreport"),
        ],
    ),
    (
        "assessment",
        _("考核与表彰"),
        [
            ("performance", "assessment"),
            ("performance", "consequencedecision"),
            ("performance", "commendation"),
            ("performance", "ruleset"),
        ],
    ),
    (
        "suggestions",
        _("建议办理"),
        [
            ("suggestions", "suggestion"),
            ("suggestions", "extensionrequest"),
            ("suggestions", "returnrequest"),
            ("suggestions", "supervisionplan"),
            ("suggestions", "toughproject"),
            ("suggestions", "publicrating"),
        ],
    ),
    (
        "units",
        _("承办单位"),
        [
            ("suggestions", "handlingunit"),
            ("suggestions", "unityearscore"),
            ("suggestions", "unitreview"),
        ],
    ),
    (
        "liaison",
        _("联络站与民意"),
        [
            ("liaison", "station"),
            ("liaison", "receptionday"),
            ("liaison", "duty"),
            ("liaison", "visit"),
            ("liaison", "opinion"),
            ("liaison", "opinionflag"),
            ("liaison", "externalevent"),
            ("liaison", "story"),
        ],
    ),
    (
        "training",
        _("履职培训"),
        [
            ("training", "course"),
            ("training", "enrollment"),
            ("training", "attendance"),
            ("training", "quiz"),
            ("training", "question"),
            ("training", "quizattempt"),
            ("training", "survey"),
            ("training", "surveyquestion"),
            ("training", "surveyresponse"),
            ("training", "topic"),
            ("training", "gaprule"),
        ],
    ),
    (
        "system",
        _("系统设置"),
        [
            ("accounts", "user"),
            ("auth", "group"),
            ("core", "auditevent"),
            ("core", "notification"),
            ("core", "calendarday"),
            ("suggestions", "category"),
        ],
    ),
]
FALLBACK_TASK = "system"
PLATFORM = _("履职工作平台")


class LvzhiAdminSite(admin.AdminSite):
    enable_nav_sidebar = True

    @property
    def site_header(self) -> str:  # type: ignore[override]
        return f"{settings.LVZHI_COMMITTEE_NAME} · {PLATFORM}"

    @property
    def site_title(self) -> str:  # type: ignore[override]
        return settings.LVZHI_COMMITTEE_NAME

    index_title = _("工委工作台")

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
        self.add_action(export_xlsx)
        self.app_list_memo = AppListMemo()
        admin_perms.connect()

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, admin_class, **options)
        self.app_list_memo.clear()

    def unregister(self, model_or_iterable):
        super().unregister(model_or_iterable)
        self.app_list_memo.clear()

    def has_permission(self, request: HttpRequest) -> bool:
        """Django's check (active staff), then the permission sets every admin page asks for
        put on the user from the cache (``core.admin_perms``: two queries on every page before)."""
        allowed = super().has_permission(request)
        if allowed:
            admin_perms.prime(request.user)
        return allowed

    def login(self, request: HttpRequest, extra_context=None):
        """The site's own sign-in page for everyone (lockout, password rules, first-login
        change); back to the admin page asked for once signed in."""
        target = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated and request.user.is_staff:
            return redirect(target)
        return redirect_to_login(target, reverse("accounts:login"))

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        """By task rather than by app (an app's own index page keeps the app's models); built
        once per permission set, language and registry (``AppListMemo``)."""
        return self.app_list_memo.get(
            request, app_label, lambda: self.build_app_list(request, app_label)
        )

    def build_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        """The app list as Django builds it, regrouped by task when it is the whole site's."""
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        models = {
            (app["app_label"], model["object_name"].lower()): model
            for app in apps
            for model in app["models"]
        }
        placed: set[tuple[str, str]] = set()
        groups = []
        for key, name, members in TASKS:
            found = [models[member] for member in members if member in models]
            placed.update(member for member in members if member in models)
            groups.append({"key": key, "name": name, "models": found})
        leftovers = [model for member, model in models.items() if member not in placed]
        for group in groups:
            if group["key"] == FALLBACK_TASK:
                group["models"] += sorted(leftovers, key=lambda m: str(m["name"]))
        return [
            {
                "name": group["name"],
                "app_label": f"task-{group['key']}",
                "app_url": group["models"][0]["admin_url"] or "",
                "has_module_perms": True,
                "models": group["models"],
            }
            for group in groups
            if group["models"]
        ]
