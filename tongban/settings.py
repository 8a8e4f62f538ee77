"""Tongban settings: one module, every deployment value read from the environment."""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tongban.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TONGBAN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# pytest sets PYTEST_VERSION: tests run with production-like settings (DEBUG off)
# and keys that exist only for the test run.
TESTING = "PYTEST_VERSION" in os.environ
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY and TESTING:
    SECRET_KEY = "test-only-secret-key-" + "x" * 50
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (make run generates one in var/).")
    SECRET_KEY = "insecure-development-key-only-for-debug"

# Former signing keys, still accepted while sessions signed with them run out (see SECURITY.md, key rotation).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Keys for encrypting sensitive fields (ID numbers, phones). A comma-separated
# list: the first key encrypts, all of them decrypt, so keys can be rotated.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
if not FIELD_ENCRYPTION_KEYS and TESTING:
    FIELD_ENCRYPTION_KEYS = ["dGVzdC1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy1vayE="]
if not FIELD_ENCRYPTION_KEYS and not DEBUG:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DEBUG is off (make run generates one in var/).")
# Keys the search indexes of encrypted fields (exact ID / phone search). Unlike the
# encryption keys it is not rotated: changing it means rebuilding the indexes.
BLIND_INDEX_KEY = env_str("BLIND_INDEX_KEY")
if not BLIND_INDEX_KEY and (TESTING or DEBUG):
    BLIND_INDEX_KEY = "test-or-debug-only-blind-index-key"
if not BLIND_INDEX_KEY:
    raise ImproperlyConfigured("BLIND_INDEX_KEY must be set when DEBUG is off (make run generates one in var/).")
if DEBUG and not FIELD_ENCRYPTION_KEYS:
    FIELD_ENCRYPTION_KEYS = ["ZGVidWctb25seS1maWVsZC1rZXktMzItYnl0ZXMtb2s="]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "tongban.core",
    "tongban.regions",
    "tongban.organisations",
    "tongban.accounts",
    "tongban.audit",
    "tongban.children",
    "tongban.volunteers",
    "tongban.activities",
    "tongban.donations",
    "tongban.cases",
    "tongban.exports",
    "tongban.reports",
    # After our apps: ninja's templates and static files serve the API docs page from our own static files.
    "ninja",
    "tongban.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tongban.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tongban.accounts.sessions.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tongban.audit.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tongban.urls"
WSGI_APPLICATION = "tongban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tongban" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

FORM_RENDERER = "tongban.core.forms.FormRenderer"

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tongban.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes. A page cache of 64 MB per connection (SQLite's
    # default is 2 MB) keeps the children's indexes in memory while an import writes 50,000 files into them:
    # 25-30 % faster on the benchmark's city, and its dashboards and statistics read fewer pages from the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's default random_page_cost (4) prices an index page as if read from a spinning disk: it then chose
    # to read the children's whole table (6,800 pages) over the covering name index (1,800) for a name search,
    # 17 → 73 ms after a routine ANALYZE at 100,000 children. 1.1 suits SSDs and a database held in memory (the
    # benchmark's floors: name search 16-26 ms, dashboards and statistics 3-14 % lower); PG_RANDOM_PAGE_COST sets
    # another, empty keeps the server's.
    page_cost = env_str("PG_RANDOM_PAGE_COST", "1.1").strip()
    if page_cost:
        try:
            float(page_cost)
        except ValueError:
            raise ImproperlyConfigured(f"PG_RANDOM_PAGE_COST must be a number, not {page_cost!r}") from None
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c random_page_cost={page_cost}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 12)
if PASSWORD_MIN_LENGTH < 10:
    raise ImproperlyConfigured("PASSWORD_MIN_LENGTH must be at least 10")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ["username", "full_name", "email", "phone"]}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after a period without activity (sliding), and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 120) * 60
# The idle expiry slides forward at most once a minute (tongban/accounts/sessions.py), not a write per request.
SESSION_ENGINE = "tongban.accounts.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Sign-in lockout: after AXES_FAILURE_LIMIT wrong passwords for one account
# from one address, that pair is locked for the cool-off time.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0) or None
AXES_VERBOSE = False

# HTTPS hardening; turned on for real deployments behind TLS.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No script but our own static files, no inline script or style, no plug-ins, no framing, forms only to ourselves.
# CSP_REPORT_URI (optional) receives the browsers' reports of what the policy blocked.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
    "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
    "frame-ancestors 'none'",
    *([f"report-uri {env_str('CSP_REPORT_URI')}"] if env_str("CSP_REPORT_URI") else []),
])
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
# Screening ledgers larger than this are refused before they are read.
SCREENING_MAX_UPLOAD_MB = env_int("SCREENING_MAX_UPLOAD_MB", 20)
if SCREENING_MAX_UPLOAD_MB < 1:
    raise ImproperlyConfigured("SCREENING_MAX_UPLOAD_MB must be at least 1")
# Exports of more rows are prepared by the task worker, with a progress page, instead of in the request.
EXPORT_BACKGROUND_ROWS = env_int("EXPORT_BACKGROUND_ROWS", 2000)
if EXPORT_BACKGROUND_ROWS < 1:
    raise ImproperlyConfigured("EXPORT_BACKGROUND_ROWS must be at least 1")

# Case work: attachments to service sessions larger than this are refused.
CASE_ATTACHMENT_MAX_MB = env_int("CASE_ATTACHMENT_MAX_MB", 10)
if CASE_ATTACHMENT_MAX_MB < 1:
    raise ImproperlyConfigured("CASE_ATTACHMENT_MAX_MB must be at least 1")
# Early warning: a child with an open case and no session or visit for longer than their risk level allows.
CASE_CONTACT_DAYS = {
    "critical": env_int("CASE_CONTACT_DAYS_CRITICAL", 14), "high": env_int("CASE_CONTACT_DAYS_HIGH", 30),
    "medium": env_int("CASE_CONTACT_DAYS_MEDIUM", 60), "low": env_int("CASE_CONTACT_DAYS_LOW", 90),
}
if min(CASE_CONTACT_DAYS.values()) < 1:
    raise ImproperlyConfigured("CASE_CONTACT_DAYS_* must be at least 1")
# Files closed, moved away or aged out with nothing done on them for this many years are anonymised by
# `manage.py anonymise_closed` (run it daily from cron, like age_out_children).
RETENTION_YEARS = env_int("RETENTION_YEARS", 10)
if RETENTION_YEARS < 1:
    raise ImproperlyConfigured("RETENTION_YEARS must be at least 1")
# Days a worker has for the first assessment after intake, and for the re-assessment at evaluation.
CASE_ASSESSMENT_DAYS = env_int("CASE_ASSESSMENT_DAYS", 15)

# JSON API: calls allowed per token (or signed-in user) and per client address, as "N/s", "N/m", "N/h" or "N/d";
# empty turns the limit off. Both are counted in Django's cache.
API_RATE_PER_TOKEN = env_str("API_RATE_PER_TOKEN", "600/m")
API_RATE_PER_ADDRESS = env_str("API_RATE_PER_ADDRESS", "1200/m")
for _name, _rate in (("API_RATE_PER_TOKEN", API_RATE_PER_TOKEN), ("API_RATE_PER_ADDRESS", API_RATE_PER_ADDRESS)):
    if _rate and not re.fullmatch(r"[1-9]\d*/[smhd]", _rate):
        raise ImproperlyConfigured(f"{_name} must look like 600/m (calls per s, m, h or d), not {_rate!r}")
# The client address behind PROXY_COUNT trusted proxies, as for the sign-in lockout; never a forged header.
NINJA_NUM_PROXIES = env_int("PROXY_COUNT", 0)

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF receipt step by step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
