"""The one settings module. Everything that differs between machines comes from AINET_*
environment variables, read through the typed helpers below, which fail loudly on bad values."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets typed generics such as ModelForm[Model] work at run time as well as in mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"{name} must be set (環境変数 {name} を設定してください)")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


AINET_ENV = env_str("AINET_ENV", "development")
if AINET_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"AINET_ENV must be development, production or test, not {AINET_ENV!r}"
    )
PRODUCTION = AINET_ENV == "production"

DEBUG = env_bool("AINET_DEBUG", default=AINET_ENV == "development")
if PRODUCTION:
    SECRET_KEY = env_str("AINET_SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("AINET_SECRET_KEY must be at least 50 characters")
else:
    SECRET_KEY = env_str("AINET_SECRET_KEY", "insecure-development-key-" + "x" * 40)

ALLOWED_HOSTS = env_list("AINET_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("AINET_ALLOWED_HOSTS must list the host names in production")
CSRF_TRUSTED_ORIGINS = env_list("AINET_CSRF_TRUSTED_ORIGINS")

DATA_DIR = Path(env_str("AINET_DATA_DIR", str(PROJECT_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ainet.core",
    "ainet.plan",
    "ainet.community",
    "ainet.care",
    "ainet.volunteers",
    "ainet.grants",
    "ainet.facilities",
    "ainet.disaster",
    "ainet.reports",
    "ainet.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ainet.urls"
WSGI_APPLICATION = "ainet.wsgi.application"
AUTH_USER_MODEL = "core.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ainet.core.context_processors.ainet",
            ],
        },
    },
]


def database_settings() -> dict[str, Any]:
    """PostgreSQL when AINET_DATABASE_URL is set, otherwise embedded SQLite under var/."""
    url = os.environ.get("AINET_DATABASE_URL", "")
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured("AINET_DATABASE_URL must be a postgres:// URL")
        config["TEST"] = {"NAME": os.environ.get("AINET_TEST_DATABASE_NAME", "test_ainet")}
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "ainet.sqlite3",
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of
            # failing with "database is locked" half-way through a transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;"
                "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
            ),
        },
    }


DATABASES = {"default": database_settings()}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# django-axes: lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("AINET_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AINET_LOGIN_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

OTP_TOTP_ISSUER = "ainet"

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "ainet_language"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"

SESSION_COOKIE_AGE = env_int("AINET_SESSION_MINUTES", 8 * 60) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("AINET_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("AINET_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("AINET_HSTS_PRELOAD", True)
    if env_bool("AINET_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("AINET_LOG_LEVEL", "WARNING")},
}

# Shown on every page while the database holds the synthetic demo ward.
AINET_DEMO_PASSWORD = env_str("AINET_DEMO_PASSWORD", "ainet-demo")
AINET_SITE_NAME = env_str("AINET_SITE_NAME", "ainet")
# Concern reports filed anonymously (public form, API) allowed per client address and hour.
AINET_PUBLIC_CONCERNS_PER_HOUR = env_int("AINET_PUBLIC_CONCERNS_PER_HOUR", 5)
# The ward the public concern form files into (a municipality code); empty: the first one.
AINET_PUBLIC_MUNICIPALITY = env_str("AINET_PUBLIC_MUNICIPALITY", "")
