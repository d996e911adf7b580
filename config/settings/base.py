"""Settings shared by every mode. Everything that differs between machines comes from the
environment (or a ``.env`` file next to ``manage.py``); see ``.env.example``."""

from datetime import date, timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from config.beat import BEAT_SCHEDULE

from . import headers

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    env.read_env(str(env_file))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-change-me-lvzhi")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# An empty value (as in a copied .env.example) means the default, like an absent one.
DATABASES = {
    "default": env.db_url_config(
        env("DATABASE_URL", default="") or f"sqlite:///{(VAR_DIR / 'lvzhi.sqlite3').as_posix()}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Several processes (web, worker, beat) share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
else:
    # A connection lives ten minutes: the pages' kept statements are prepared on it, and
    # PostgreSQL plans a prepared statement afresh on each of its first five runs (up to ~20 ms
    # for the deputy's dashboard at district scale) before it keeps a generic plan; a shorter
    # life pays that again every time the worker reconnects (issue #8).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Kept statements (core.compiled.run_kept, the only ones prepared) run with their generic
    # plan from their first run: planned once per connection, never per deputy. Left to
    # choose, PostgreSQL kept planning some anew on every run (the deputy's visits page:
    # ~0.6 ms of planning for a 0.2 ms read at district size), and the plan a page runs was
    # not the one scripts/plan_pages.py and the plan tests check (core.plans).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(
        filter(None, [options.get("options", ""), "-c plan_cache_mode=force_generic_plan"])
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for what every page asks (role names, the unread badge, sessions, rate limits). The
# default keeps it in each process's memory; production shares Redis between the gunicorn
# workers (CACHE_URL=redis://redis:6379/1) so a change seen by one worker is seen by all.
CACHES = {"default": env.cache_url_config(env("CACHE_URL", default="") or "locmemcache://lvzhi")}
# The cache every process shares, for counters that must not be per worker (core.ratelimit):
# the database cache (table lvzhi_cache, created by a core migration) unless SHARED_CACHE_URL
# names Redis, as production does (redis://redis:6379/1).
CACHES["shared"] = env.cache_url_config(
    env("SHARED_CACHE_URL", default="") or "dbcache://lvzhi_cache"
)
CACHES["shared"].setdefault("KEY_PREFIX", "shared")
if CACHES["shared"]["BACKEND"].endswith("DatabaseCache"):
    # Django culls a database cache past MAX_ENTRIES (300 by default), dropping live counters.
    CACHES["shared"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 100_000)
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none, the client
# is REMOTE_ADDR). The client address is then the n-th entry from the right of that header.
LVZHI_TRUSTED_PROXY_HOPS = env.int("LVZHI_TRUSTED_PROXY_HOPS", default=0)
# Sessions are read from the cache and written through to the database: no query per request
# for the session on a cache hit, and nobody is logged out when the cache restarts.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

DJANGO_APPS = [
    # Django's admin on the committee's own site (titles, one login, models by task, export).
    "core.admin_config.LvzhiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    # The mobile API (api/, docs/api.md): DRF, filters, the OpenAPI schema and its Swagger UI.
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
LOCAL_APPS = [
    "accounts",
    "core",
    "deputies",
    "performance",
    "suggestions",
    "liaison",
    "training",
    "api",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# axes' backend refuses a locked-out client before the password is checked (accounts.lockout).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading each request's user by a kept statement (core.user_backend).
    "core.user_backend.UserBackend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who changes what, from the admin or the site (core.history): after authentication.
    "core.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Session time limits, then issued passwords (accounts.middleware): after auth and messages.
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a refused login into the locked-out page (accounts.lockout).
    "axes.middleware.AxesMiddleware",
    *headers.HEADER_MIDDLEWARE,
    # Pages that only read skip ATOMIC_REQUESTS' transaction (core.middleware): last, after
    # every other process_view (the CSRF check).
    "core.middleware.ReadsOutsideTransactionMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        # Django's backend whose pages leave no reference cycle (core.template_backend),
        # under Django's own name for it.
        "BACKEND": "core.template_backend.DjangoTemplates",
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
            # {% url %} without arguments answered from a per-process memo (core.url_memo);
            # {% extends %} finding a root template's blocks once (core.templatetags.memo_extends).
            "builtins": ["core.templatetags.memo_url", "core.templatetags.memo_extends"],
        },
    },
]

# --- sign-in, passwords and sessions (accounts; OWASP ASVS L2) ---
# Passwords a user chooses (the password-change page, the admin's add form): at least this long,
# and Django's checks against the username and name, common passwords and all digits. Passwords
# set in code (the demo's) are not checked.
LVZHI_PASSWORD_MIN_LENGTH = env.int("LVZHI_PASSWORD_MIN_LENGTH", default=12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": LVZHI_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login lockout (django-axes, see accounts/lockout.py): this many wrong passwords for one
# username (from any address), or LVZHI_LOGIN_FAILURES_PER_ADDRESS failures from one client
# address (over any usernames), within LVZHI_LOGIN_LOCKOUT_MINUTES lock that username or that
# address for LVZHI_LOGIN_LOCKOUT_MINUTES. A successful login clears the username's failures.
LVZHI_LOGIN_FAILURES_PER_ACCOUNT = env.int("LVZHI_LOGIN_FAILURES_PER_ACCOUNT", default=5)
LVZHI_LOGIN_FAILURES_PER_ADDRESS = env.int("LVZHI_LOGIN_FAILURES_PER_ADDRESS", default=20)
LVZHI_LOGIN_LOCKOUT_MINUTES = env.int("LVZHI_LOGIN_LOCKOUT_MINUTES", default=30)
AXES_ENABLED = True
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = LVZHI_LOGIN_FAILURES_PER_ACCOUNT
AXES_COOLOFF_TIME = timedelta(minutes=LVZHI_LOGIN_LOCKOUT_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client address of the public rate limiter (LVZHI_TRUSTED_PROXY_HOPS), made storable.
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# What accounts (the lowest layer) uses from core, by dotted path (accounts/hooks.py).
LVZHI_CLIENT_ADDRESS = "core.ratelimit.client_address"
LVZHI_ACCOUNTS_AUDIT = "core.audit.audit_record"
# A session ends this long after the login for everyone, and a staff session (the admin) also
# after this long without a request (accounts/middleware.py).
LVZHI_SESSION_ABSOLUTE_HOURS = env.int("LVZHI_SESSION_ABSOLUTE_HOURS", default=12)
LVZHI_SESSION_STAFF_IDLE_MINUTES = env.int("LVZHI_SESSION_STAFF_IDLE_MINUTES", default=30)
# The middleware ends every session at the limit; the cookie and the stored session live an hour
# longer so that the middleware, not a silently vanished session, tells the user why.
SESSION_COOKIE_AGE = (LVZHI_SESSION_ABSOLUTE_HOURS + 1) * 3600

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Where `manage.py backup` writes its archives (core.backup).
LVZHI_BACKUP_DIR = Path(env("LVZHI_BACKUP_DIR", default=str(VAR_DIR / "backups")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="lvzhi@localhost")

# Celery. With no broker configured, Kombu's filesystem transport under var/ lets a worker and
# beat run on a laptop with no server installed; production sets CELERY_BROKER_URL=redis://...
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or "filesystem://"
CELERY_FILESYSTEM_DIR = Path(env("CELERY_FILESYSTEM_DIR", default=str(VAR_DIR / "celery")))
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE
# Only one beat may run: the scheduler holds a lock (on the broker's Redis, or in the "shared"
# cache on the embedded default), refreshed every tick and expiring LVZHI_BEAT_LOCK_SECONDS
# after a beat dies; a second beat exits with an error (core.beat).
CELERY_BEAT_SCHEDULER = "core.beat:SingleBeatScheduler"
LVZHI_BEAT_LOCK_KEY = env("LVZHI_BEAT_LOCK_KEY", default="lvzhi:beat-lock")
LVZHI_BEAT_LOCK_SECONDS = env.int("LVZHI_BEAT_LOCK_SECONDS", default=120)
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "queue"),
        "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
        "store_processed": False,
    }
else:
    # Redis hands a job that was taken but never acknowledged (its worker was killed) to another
    # worker after this many seconds. Longer than the longest job (CELERY_TASK_TIME_LIMIT) and
    # the longest retry wait, or a job still running would be started a second time.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60)
    }

# The committee's own facts, used where the data does not say (e.g. an import into an empty
# system creates the current term from these).
LVZHI_COMMITTEE_NAME = env("LVZHI_COMMITTEE_NAME", default="示范街道人大工委")
# The number of the term that began in 2022 (later ones count on in five-year steps); START and
# END, when both set, fix the term created on an empty system instead (see deputies.terms).
LVZHI_DEFAULT_TERM_NUMBER = env.int("LVZHI_DEFAULT_TERM_NUMBER", default=17)
_term_start = env("LVZHI_DEFAULT_TERM_START", default="")
_term_end = env("LVZHI_DEFAULT_TERM_END", default="")
LVZHI_DEFAULT_TERM_START = date.fromisoformat(_term_start) if _term_start else None
LVZHI_DEFAULT_TERM_END = date.fromisoformat(_term_end) if _term_end else None

# Serve the two floor pages /bench/bare and /bench/page that scripts/bench_pages.py measures every
# page against. Off everywhere but in that script's own server.
LVZHI_BENCH_FLOORS = env.bool("LVZHI_BENCH_FLOORS", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Building this filter installs core.privacy's record factory: every record of every
    # logger has its phone numbers masked before any handler sees it.
    "filters": {"mask_phones": {"()": "core.privacy.PhoneMaskFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_phones"],
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# --- performance (duty ledger) ---
# Largest evidence file a deputy or staff may attach to a ledger entry or dispute.
LVZHI_LEDGER_EVIDENCE_MAX_MB = env.int("LVZHI_LEDGER_EVIDENCE_MAX_MB", default=10)
# All files of one submission together, and all one account uploads in a day (core.uploads).
LVZHI_UPLOAD_MAX_PER_REQUEST_MB = env.int("LVZHI_UPLOAD_MAX_PER_REQUEST_MB", default=30)
LVZHI_UPLOAD_MAX_PER_USER_DAY_MB = env.int("LVZHI_UPLOAD_MAX_PER_USER_DAY_MB", default=200)
# A deputy with no ledger entry for this many days gets a reminder; if still nothing after
# LVZHI_LEDGER_REMINDER_REPEAT_DAYS more, a second one, which puts them on the talk list.
LVZHI_LEDGER_IDLE_DAYS = env.int("LVZHI_LEDGER_IDLE_DAYS", default=60)
LVZHI_LEDGER_REMINDER_REPEAT_DAYS = env.int("LVZHI_LEDGER_REMINDER_REPEAT_DAYS", default=30)

# --- suggestions ---
# Reply deadline after assignment, and the longest it may be extended to (calendar months).
LVZHI_SUGGESTIONS_REPLY_MONTHS = env.int("LVZHI_SUGGESTIONS_REPLY_MONTHS", default=3)
LVZHI_SUGGESTIONS_MAX_MONTHS = env.int("LVZHI_SUGGESTIONS_MAX_MONTHS", default=6)
# Follow-up checks (查进度/查实效/查反馈), months after conclusion.
LVZHI_SUGGESTIONS_CHECK_MONTHS = env.list(
    "LVZHI_SUGGESTIONS_CHECK_MONTHS", cast=int, default=[1, 3, 6]
)
LVZHI_SUGGESTIONS_ATTACHMENT_MAX_MB = env.int("LVZHI_SUGGESTIONS_ATTACHMENT_MAX_MB", default=10)
LVZHI_SUGGESTIONS_ATTACHMENT_TYPES = env.list(
    "LVZHI_SUGGESTIONS_ATTACHMENT_TYPES",
    default=[".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png"],
)
# Public benefit ratings accepted per IP address per hour.
LVZHI_SUGGESTIONS_RATINGS_PER_HOUR = env.int("LVZHI_SUGGESTIONS_RATINGS_PER_HOUR", default=10)
# Public ratings one suggestion accepts in any hour, from all addresses together (public
# ratings weigh half of a unit's score: a flood of 0s from many addresses is refused).
LVZHI_SUGGESTIONS_RATINGS_PER_SUGGESTION_HOUR = env.int(
    "LVZHI_SUGGESTIONS_RATINGS_PER_SUGGESTION_HOUR", default=20
)
# Days before the reply deadline when the unit is reminded.
LVZHI_SUGGESTIONS_REMIND_DAYS = env.int("LVZHI_SUGGESTIONS_REMIND_DAYS", default=7)
# Working days after assignment (or reassignment) in which the lead unit may ask to return
# a suggestion that is not its responsibility (申请退办).
LVZHI_SUGGESTIONS_RETURN_WORKDAYS = env.int("LVZHI_SUGGESTIONS_RETURN_WORKDAYS", default=5)

# --- liaison ---
# A (community, category) pair is flagged in an ISO week when its count is at least
# LVZHI_OPINION_MIN_COUNT and greater than LVZHI_OPINION_FACTOR × its mean of the 8 weeks before.
LVZHI_OPINION_MIN_COUNT = env.int("LVZHI_OPINION_MIN_COUNT", default=5)
LVZHI_OPINION_FACTOR = env.float("LVZHI_OPINION_FACTOR", default=2.0)
# Opinions nobody has triaged after this many days raise one reminder to staff.
LVZHI_OPINION_TRIAGE_DAYS = env.int("LVZHI_OPINION_TRIAGE_DAYS", default=3)
# Opinions accepted per client address per hour (shared limiter in core).
LVZHI_OPINIONS_PER_HOUR = env.int("LVZHI_OPINIONS_PER_HOUR", default=5)
# Longest opinion text a resident may send (characters).
LVZHI_OPINION_MAX_CHARS = env.int("LVZHI_OPINION_MAX_CHARS", default=2000)
# Tracking-code lookups allowed per client address per hour (guessing codes is throttled).
LVZHI_TRACK_LOOKUPS_PER_HOUR = env.int("LVZHI_TRACK_LOOKUPS_PER_HOUR", default=60)
# Largest photo staff may attach to a deputy story (代表在身边).
LVZHI_STORY_PHOTO_MAX_MB = env.int("LVZHI_STORY_PHOTO_MAX_MB", default=5)

# --- the mobile API (api/, docs/api.md) ---
# An access token opens the API this many hours; a refresh token buys a new pair (once) for
# this many days.
LVZHI_API_ACCESS_HOURS = env.int("LVZHI_API_ACCESS_HOURS", default=12)
LVZHI_API_REFRESH_DAYS = env.int("LVZHI_API_REFRESH_DAYS", default=30)
# Requests per hour per signed-in account and per client address (shared cache; 429 after).
LVZHI_API_REQUESTS_PER_USER_HOUR = env.int("LVZHI_API_REQUESTS_PER_USER_HOUR", default=1200)
LVZHI_API_REQUESTS_PER_ADDRESS_HOUR = env.int("LVZHI_API_REQUESTS_PER_ADDRESS_HOUR", default=3000)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.BearerTokenAuthentication",
        "api.auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.UserThrottle", "api.throttling.AddressThrottle"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "履职 API",
    "DESCRIPTION": (
        "人大代表移动端接口（v1）。令牌放在 Authorization: Bearer 头中，见 docs/api.md。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No call to the public validator badge (img-src is this site only).
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "persistAuthorization": False},
    # Every operation lists the errors of the one shape (api.schema.add_error_responses).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "EntryStatusEnum": "performance.models.EntryStatus",
        "SuggestionStatusEnum": "suggestions.models.Status",
        "SuggestionKindEnum": "suggestions.models.Kind",
        "ProblemKindEnum": "suggestions.models.ProblemKind",
        "VerdictEnum": "suggestions.models.Verdict",
    },
}

# --- response headers (config/settings/headers.py) ---
from .headers import *  # noqa: E402, F403
