"""CampaignDesk settings: one module, read from the environment.

DATABASE_URL             default sqlite:///var/campaigndesk.sqlite3 (WAL, IMMEDIATE, busy timeout)
CAMPAIGNDESK_SECRET_KEY  required unless DEBUG
DEBUG                    "1"/"true" for development
ALLOWED_HOSTS            comma-separated
CSRF_TRUSTED_ORIGINS     comma-separated, e.g. https://campaigndesk.example.com
API_TOKEN_DAYS           lifetime of API tokens in days (default 30)
SECURE_SSL_REDIRECT      "0" when plain http must be served (default on in production)
SECURE_HSTS_SECONDS      HSTS max-age (default one year; 0 turns HSTS off)
AXES_PROXY_COUNT         reverse proxies in front of the app (client address in the lockout log)
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", default=False)
TESTING = env_bool("CAMPAIGNDESK_TESTING", default=False) or "pytest" in sys.modules

SECRET_KEY = os.environ.get("CAMPAIGNDESK_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "Set CAMPAIGNDESK_SECRET_KEY (or DEBUG=1 for a development server)."
        )
    SECRET_KEY = "campaigndesk-development-key-not-for-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "axes",
    "campaigndesk.core",
    "campaigndesk.org",
    "campaigndesk.activities",
    "campaigndesk.reviews",
    "campaigndesk.preparation",
    "campaigndesk.onsite",
    "campaigndesk.evaluation",
    "campaigndesk.briefings",
    "campaigndesk.dashboard",
    "campaigndesk.search",
    "campaigndesk.exports",
    "campaigndesk.analytics",
    "campaigndesk.notifications",
    "campaigndesk.finance",
    "campaigndesk.attachments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "campaigndesk.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "campaigndesk.core.middleware.ApiErrorBodyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "campaigndesk.core.middleware.NulCharacterMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: turns a lockout into its response (see AXES_*).
    "axes.middleware.AxesMiddleware",
]

if not (DEBUG or TESTING):
    # Serves the collected, hashed static files from the app processes (no CDN, no nginx needed).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "campaigndesk.urls"
WSGI_APPLICATION = "campaigndesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "campaigndesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "campaigndesk.notifications.views.header",
            ],
        },
    },
]

# --- Cache ----------------------------------------------------------------------------------------
# Per process (nothing to run beside the app): it holds only short-lived copies of reads keyed by
# the newest audit id (core.readcache, the overview, search counts), so processes need not share
# it. A copy is a few kB to a few dozen (at most 256 kB are kept); a third goes when it is full.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "1000"))},
    }
}
# How long those copies live (core.readcache; 10 s, none in tests): 0 turns them off.
if os.environ.get("READ_CACHE_SECONDS"):
    READ_CACHE_SECONDS = int(os.environ["READ_CACHE_SECONDS"])
if os.environ.get("OVERVIEW_CACHE_SECONDS"):
    OVERVIEW_CACHE_SECONDS = int(os.environ["OVERVIEW_CACHE_SECONDS"])
if os.environ.get("SEARCH_COUNT_CACHE_SECONDS"):
    SEARCH_COUNT_CACHE_SECONDS = int(os.environ["SEARCH_COUNT_CACHE_SECONDS"])

# --- Database -----------------------------------------------------------------------------------
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'campaigndesk.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for the lock (IMMEDIATE + busy timeout) instead of failing with
    # "database is locked" half-way through a transaction; WAL lets readers go on meanwhile.
    # A web worker keeps its connection (CONN_MAX_AGE): opening the file and running the PRAGMAs
    # below costs more than most queries. The PRAGMAs hold per connection; IMMEDIATE is per
    # transaction. Tests keep one connection per test as before.
    if TESTING:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            " PRAGMA foreign_keys=ON;"
        ),
    }
    # A file (not :memory:) so tests run with WAL and the live server's threads share it; one
    # per process so parallel runs never share a test database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A statement run PG_PREPARE_THRESHOLD times on a connection is prepared on the server and
    # its plan reused: planning the token lookup's six-table join (0.9 ms) cost more than running
    # it. Needs server-side parameters. `off` for a pooler that cannot keep prepared statements
    # (PgBouncer before 1.21 in transaction mode).
    _threshold = os.environ.get("PG_PREPARE_THRESHOLD", "5")
    if _threshold != "off":
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=int(_threshold)
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Tests compare each run of a query compiled once (core.compiled) with a fresh compile.
COMPILED_QUERY_CHECK = TESTING

# --- Auth ---------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    # Tests log in hundreds of times; the production hasher is slow by design.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# django-axes first: it refuses a locked-out account before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "campaigndesk.org.backends.ProfileBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "activities:list"
LOGOUT_REDIRECT_URL = "login"
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "30"))

# Login lockout (django-axes): 5 wrong passwords lock the *username* for 15 minutes, on the
# login page and at POST /api/v1/auth/token alike; a success resets the count. By username, not
# username + address: behind the intranet's proxy every client may share one address, and an
# address taken from X-Forwarded-For can be forged to try again from "elsewhere". The price — a
# stranger can lock a known account for 15 minutes — is bounded and visible in the admin.
# Tests log in thousands of times: axes is off there, and on in its own tests (override_settings).
AXES_ENABLED = env_bool("AXES_ENABLED", default=not TESTING)
AXES_VERBOSE = False  # no banner on every manage.py command
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address in the key, lest rotating user agents or cookies bypass a lock;
# a lock by username is bypassed by neither (and an office behind one NAT would lock together).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# Further tries while locked do not push the end of the lock back: "15 minutes" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "campaigndesk.org.views.lockout_response"
AXES_IPWARE_PROXY_COUNT = (
    int(os.environ["AXES_PROXY_COUNT"]) if os.environ.get("AXES_PROXY_COUNT") else None
)

# --- Language and time --------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
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
# A test run keeps its files apart (and removes them at the end: campaigndesk/conftest.py).
MEDIA_ROOT = Path(
    os.environ.get(
        "MEDIA_ROOT", BASE_DIR / "var" / (f"test-media-{os.getpid()}" if TESTING else "media")
    )
)
MEDIA_URL = "/media/"  # never served directly: archives go through permission-checked views
# Attachments (photos, sign-in sheets, receipts): the largest file accepted, in bytes; a cost
# line above RECEIPT_REQUIRED_ABOVE (yuan) needs a receipt before the evaluation completes.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
RECEIPT_REQUIRED_ABOVE = Decimal(os.environ.get("RECEIPT_REQUIRED_ABOVE", "1000.00"))

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "campaigndesk.core.sessions"  # database sessions, the lookup compiled once
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    # The proxy in front terminates TLS and says so in this header (it must overwrite it).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Preloading lists the host in the browsers' public HSTS list: meaningless for an intranet
    # host and hard to undo; left to the operator (SECURE_HSTS_PRELOAD=1).
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")

# Content-Security-Policy of every response (campaigndesk.core.middleware): scripts only from
# our own static files, nothing inline. Style *attributes* are allowed ('unsafe-inline' in
# style-src): ECharts, Bootstrap's JS and htmx's swaps set element.style, and a style attribute
# cannot run code. htmx's own <style> is off (meta htmx-config includeIndicatorStyles=false).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Background work and delivery ---------------------------------------------------------------
# Tasks are rows in the database, run by `manage.py db_worker` (any number of workers).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Links in e-mails and group messages point here.
BASE_URL = os.environ.get("CAMPAIGNDESK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "5"))
DELIVERY_MAX_ATTEMPTS = int(os.environ.get("DELIVERY_MAX_ATTEMPTS", "5"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CampaignDesk <noreply@localhost>")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)

# Labels shown in the UI for the settings-level constants.
SITE_NAME = _("CampaignDesk")
