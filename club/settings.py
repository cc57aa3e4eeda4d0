"""Settings for the Club des visiteurs: one module, driven by the environment.

Every value that differs between a laptop, CI and production comes from an
environment variable (documented in `.env.example`). With nothing set, the
project runs on SQLite with Celery tasks executed eagerly in-process and emails
printed to the console, so `make run` needs no other service. Production is the
same module with `DEBUG=0`: it then turns on HTTPS-only cookies, HSTS and the
SSL redirect, and refuses a wildcard `ALLOWED_HOSTS`.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
TESTING = env.bool("TESTING", default=False)

# A development key is acceptable only while DEBUG is on.
SECRET_KEY = env(
    "SECRET_KEY",
    default="dev-only-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz" if DEBUG else None,
)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the real hosts in production, never '*'.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Hosts staff may link to (https only) in announcements and content, besides this site.
CLUB_LINK_HOSTS = env.list("CLUB_LINK_HOSTS", default=["musees-rouen-normandie.fr"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # modeltranslation must come before the admin.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "axes",
    # The club's apps, bottom layer first (README, "Architecture").
    "club.core",
    "club.members",
    "museums",
    "club.notifications",
    "rewards.ledger",
    "club.moderation",
    "rewards.shop",
    "surveys",
    "museums.content",
    "museums.events",
    "club.participate",
    "club",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "club.core.middleware.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "club.members.middleware.ClubLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a lockout found during authentication into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "club.urls"
WSGI_APPLICATION = "club.wsgi.application"
ASGI_APPLICATION = "club.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "club.core.context_processors.club",
                "club.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Persistent connections in production (a new connection per request cut an empty page
# from 1,160 to 215 requests/s, bench/connections.py); health-checked before reuse.
# Behind PgBouncer in transaction mode, set CONN_MAX_AGE=0 (README, deployment).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if DEBUG else 600))
# "Mon club"'s statements are prepared once per connection (club.core.sql.prepared_fetchone);
# set DATABASE_PREPARED=0 behind PgBouncer in transaction mode (README, deployment).
DATABASE_PREPARED = env.bool("DATABASE_PREPARED", default=True)
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for each other instead of failing at once ("database is locked"): a write
    # transaction takes the lock when it begins (IMMEDIATE), so two simultaneous form posts queue
    # instead of one failing when it upgrades its read lock.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.Member"
AUTHENTICATION_BACKENDS = [
    # First: refuses any password check for an account or IP that is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_MIN_LENGTH = 10
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Accounts (django-allauth): email is the login, verified before use. ---
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Mail scanners follow links: the link opens a page whose button (a POST) confirms.
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# A reset asked for an address that is no member sends nothing (the page still says "sent").
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_FORMS = {
    "signup": "club.members.forms.ClubSignupForm",
    "login": "club.members.forms.ClubLoginForm",
    "change_password": "club.members.forms.ClubChangePasswordForm",
    "reset_password": "club.members.forms.ClubResetPasswordForm",
    "reset_password_from_key": "club.members.forms.ClubResetPasswordKeyForm",
}
ACCOUNT_ADAPTER = "club.members.adapters.ClubAccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Club des visiteurs] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "club:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_EMAIL_VERIFICATION_SENT_REDIRECT_URL = None
ACCOUNT_SESSION_REMEMBER = None
# Brute-force protection is django-axes' (below), shared by the site login, the admin
# login and the API token; allauth's own failed-login limit would be a second, partial one.
ACCOUNT_RATE_LIMITS = {"login_failed": False}

# --- Client IP and the login lockout ---
# How many reverse proxies stand in front of the site and append to X-Forwarded-For
# (0: none, the quick start; 1 behind the documented nginx). Nothing else is believed.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "club.core.ip.client_ip"
AXES_USERNAME_CALLABLE = "club.members.lockout.attempted_account"
AXES_LOCKOUT_CALLABLE = "club.members.lockout.lockout_response"
# One counter per account and one per client IP; either locks for the cool-off.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# --- The club's own rules ---
CLUB_RULES_VERSION = "2026-11"
CLUB_MINIMUM_AGE = 15
# Each consent's wording has a version; a record keeps the version that was shown.
CONSENT_WORDING_VERSION = "2026-11"

# --- Points and shop ---
# Earned points expire after this many months (0: never); members are warned before.
POINTS_EXPIRY_MONTHS = env.int("POINTS_EXPIRY_MONTHS", default=24)
POINTS_EXPIRY_WARNING_DAYS = 30
# Refunded points whose original expiry has passed come back for this many days.
POINTS_REFUND_GRACE_DAYS = 30
# Vouchers must be collected within this many days (a gift may set its own).
REDEMPTION_VALIDITY_DAYS = env.int("REDEMPTION_VALIDITY_DAYS", default=30)
# Manual adjustments above this many points wait for a second administrator.
POINTS_ADJUSTMENT_APPROVAL_THRESHOLD = env.int("POINTS_ADJUSTMENT_APPROVAL_THRESHOLD", default=500)
# ...counting what one requester gave one member over this many days.
POINTS_ADJUSTMENT_WINDOW_DAYS = env.int("POINTS_ADJUSTMENT_WINDOW_DAYS", default=30)
# Bounded wait for the member and gift row locks (PostgreSQL lock_timeout).
POINTS_LOCK_TIMEOUT_MS = env.int("POINTS_LOCK_TIMEOUT_MS", default=5000)

# --- Internationalisation ---
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "fr"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fr",)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "club_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and media files ---
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Email ---
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A backend class may also be named directly (e.g. a provider's, or a test sink).
EMAIL_BACKEND = env("EMAIL_BACKEND", default=EMAIL_CONFIG["EMAIL_BACKEND"])
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Club des visiteurs <club@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Cache ---
# Production shares one cache (Redis, CACHE_URL) between its processes; without one, each
# process keeps its own, large enough for the QR codes of the members it serves.
CACHES = {
    "default": env.cache("CACHE_URL")
    if env("CACHE_URL", default="")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 20_000}}
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "club.core.cache.ClubRedisCache"  # one Redis client per process (see there)

# --- Celery (broker: Redis; no REDIS_URL means tasks run eagerly in-process) ---
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Copied into django-celery-beat's tables when beat starts; staff may retime them in the admin.
CELERY_BEAT_SCHEDULE = {
    "points-expire-due": {"task": "ledger.points_expire_due", "schedule": crontab(hour=3, minute=10)},
    "points-expiry-warn": {"task": "ledger.points_expiry_warn", "schedule": crontab(hour=9, minute=0)},
    "redemptions-expire-due": {"task": "shop.redemptions_expire_due", "schedule": crontab(hour=3, minute=20)},
    "idempotency-keys-purge": {"task": "core.idempotency_keys_purge", "schedule": crontab(minute=40)},
    "notifications-sweep": {"task": "notifications.sweep", "schedule": 120.0},
    "announcements-start-due": {"task": "notifications.announcements_start_due", "schedule": 60.0},
    "surveys-announce-due": {"task": "surveys.announce_due", "schedule": crontab(minute="*/5")},
    "surveys-exports-purge": {"task": "surveys.exports_purge", "schedule": crontab(hour=4, minute=10)},
    "content-releases-announce": {"task": "content.releases_announce", "schedule": 60.0},
    "content-engagement-roll-up": {"task": "content.engagement_roll_up", "schedule": crontab(minute="*/10")},
    "events-offers-expire-due": {"task": "events.offers_expire_due", "schedule": 60.0},
    "events-reminders-send-due": {"task": "events.reminders_send_due", "schedule": crontab(minute="*/15")},
    "surveys-anonymous-responses-flush": {
        "task": "surveys.anonymous_responses_flush",
        "schedule": crontab(minute="*/10"),
    },
}
# A hung or unreachable broker must never hold a web request for long: short
# socket timeouts and a single publish attempt. What could not be queued stays
# in the database and a periodic sweep queues it again (transactional outbox).
BROKER_SOCKET_TIMEOUT = env.float("BROKER_SOCKET_TIMEOUT", default=1.5)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": BROKER_SOCKET_TIMEOUT,
    "socket_connect_timeout": BROKER_SOCKET_TIMEOUT,
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "max_retries": 0,
}
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_SOCKET_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY = False
CELERY_BROKER_CONNECTION_MAX_RETRIES = 0
CELERY_TASK_PUBLISH_RETRY = False

# --- REST API ---
REST_FRAMEWORK = {
    # Token first, so that an unauthenticated request gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "club.members.authentication.MemberTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_RATES": {"token": env("TOKEN_THROTTLE_RATE", default="10/min")},
    # Throttles key on the client IP as `club.core.ip` reads it.
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "club.core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # The browsable API is a developer's tool: production answers JSON only.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "club.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Club des visiteurs API",
    "DESCRIPTION": "REST API of the museums' visitors' club, for partner and member apps.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a field named "kind": each enum named after its own.
    "ENUM_NAME_OVERRIDES": {
        "ContentKindEnum": "museums.content.models.Content.Kind",
        "QuestionKindEnum": "surveys.models.Question.Kind",
        "NotificationKindEnum": "club.notifications.models.NotificationKind",
        "StatusEnum": "rewards.shop.models.Redemption.Status",
    },
    # Every operation documents the one error shape on the statuses it can answer.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "club.core.schema.add_error_responses",
    ],
}

# --- Security headers ---
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "script-src": [SELF],
        "style-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# A form sent with a stale token (the session changed in another tab) gets a page that says so.
CSRF_FAILURE_VIEW = "club.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # /healthz is probed over plain HTTP by load balancers.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
