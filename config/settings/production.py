"""Production: secrets and endpoints must come from the environment; HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import EMAIL_BACKEND, LVZHI_TRUSTED_PROXY_HOPS, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Whether a request came over HTTPS: behind a reverse proxy that terminates TLS, from the
# X-Forwarded-Proto header that proxy sets; with no proxy, from the connection itself. The header
# is believed only when LVZHI_TRUSTED_PROXY_HOPS says a proxy is in front (docker-compose.yml
# sets 1 for its nginx, deploy/nginx.conf): the same setting that makes the rate limits read
# X-Forwarded-For. Without a proxy any client could send the header and pass as HTTPS.
if LVZHI_TRUSTED_PROXY_HOPS > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health checks speak plain HTTP
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # WhiteNoise's compressed manifest storage, its URLs answered from a per-process memo.
    "staticfiles": {"BACKEND": "core.static_storage.KeptURLStorage"},
}

# Mail. The console backend writes every message, with the personal data in it, to the log
# instead of sending it, and it is base's default: production refuses it unless told that
# this is wanted (a trial installation without a mail server).
_CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
if EMAIL_BACKEND == _CONSOLE_EMAIL_BACKEND and not env.bool(
    "LVZHI_ALLOW_CONSOLE_EMAIL", default=False
):
    raise ImproperlyConfigured(
        "Production settings will not start with the console email backend, which writes "
        "every message to the log instead of sending it. Set DJANGO_EMAIL_BACKEND (e.g. "
        "django.core.mail.backends.smtp.EmailBackend with DJANGO_EMAIL_HOST and the other "
        "DJANGO_EMAIL_* settings), or set LVZHI_ALLOW_CONSOLE_EMAIL=true to accept mail in "
        "the log."
    )
