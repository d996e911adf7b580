"""Tokens for apps (issue #13).

A token is shown to the client once, when it is issued; the database keeps only its SHA-256
digest, so a copy of the database (a backup, a read-only replica) opens no account. A random
256-bit token needs no salt or slow hash: nobody can guess it, the digest only has to be one-way.

Two kinds: an *access* token authenticates requests (``Authorization: Bearer …``) for
``LVZHI_API_ACCESS_HOURS`` (12); a *refresh* token, good for ``LVZHI_API_REFRESH_DAYS`` (30),
buys a new pair once and is revoked when used (rotation: a stolen refresh token that its owner
uses first is worthless, and one used twice is noticed in the audit log). Both are revoked by
logging out, by staff in the admin, and never deleted (the rows are the record of who used the
API from where and when). A token also stops when the account's password changes or the account
is deactivated.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TokenKind(models.TextChoices):
    ACCESS = "access", _("访问令牌")
    REFRESH = "refresh", _("刷新令牌")


class ApiTokenQuerySet(models.QuerySet):
    def live(self, now):
        """Tokens that still open the API at ``now``: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=TokenKind.choices)
    digest = models.CharField(_("摘要"), max_length=64, unique=True, editable=False)
    client = models.CharField(_("客户端"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("签发时间"))
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    # The account's session hash when the token was issued (Django's, an HMAC of the password
    # hash): a password change, by the user or a staff reset, ends every token as it ends
    # every session.
    password_stamp = models.CharField(_("密码指纹"), max_length=128, editable=False, default="")
    # The refresh token issued with this access token (and vice versa the pair shares it):
    # logging out with an access token revokes its refresh token too.
    pair = models.ForeignKey(
        "self",
        verbose_name=_("同批令牌"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user_live")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_created",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["access", "refresh"]), name="api_token_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} · {self.user}"
