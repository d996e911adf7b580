"""Staff see who holds API tokens and revoke them (a lost phone, a deputy who left): one
token (撤销), or every token of the selected tokens' users. Tokens are never created or edited
here; the secret itself is not stored, so nothing here can show it."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User

from .auth import TokenError, tokens_revoke, user_tokens_revoke
from .models import ApiToken


class LiveFilter(admin.SimpleListFilter):
    title = gettext_lazy("状态")
    parameter_name = "live"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("有效")), ("no", gettext_lazy("已撤销或过期"))]

    def queryset(self, request, queryset):
        from core import clock

        now = clock.now()
        if self.value() == "yes":
            return queryset.live(now)
        if self.value() == "no":
            return queryset.exclude(pk__in=ApiToken.objects.live(now).values("pk"))
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "user",
        "kind",
        "client",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [LiveFilter, "kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "client"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    actions = ["revoke", "revoke_users"]
    readonly_fields = [
        "user",
        "kind",
        "client",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "pair",
    ]
    exclude = ["digest"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        """Revoked, never deleted: the rows record who used the API and when."""
        return False

    @admin.action(description=gettext_lazy("撤销所选令牌"), permissions=["view"])
    def revoke(self, request, queryset):
        try:
            n = tokens_revoke(tokens=list(queryset), actor=request.user, reason=_("管理后台撤销"))
        except TokenError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, _("已撤销 %(n)d 个令牌。") % {"n": n}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("撤销所选令牌所属用户的全部令牌"), permissions=["view"])
    def revoke_users(self, request, queryset):
        users = User.objects.filter(pk__in=queryset.values("user_id"))
        total = 0
        try:
            for user in users:
                total += user_tokens_revoke(user=user, actor=request.user)
        except TokenError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request,
            _("已撤销 %(u)d 名用户的 %(n)d 个令牌。") % {"u": len(users), "n": total},
            messages.SUCCESS,
        )
