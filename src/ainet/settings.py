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
    "ainet.public",
    "ainet.reports",
    "ainet.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, narrowed: staff pages in ja/en, public pages in all languages.
    "ainet.public.middleware.LanguageMiddleware",
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


# psycopg prepares a query after this many runs; no query runs this often, so only those
# that ask (`execute(..., prepare=True)`) are prepared.
PREPARE_ONLY_WHEN_ASKED = 2**31 - 1


def database_settings() -> dict[str, Any]:
    """PostgreSQL when AINET_DATABASE_URL is set, otherwise embedded SQLite under var/."""
    url = os.environ.get("AINET_DATABASE_URL", "")
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured("AINET_DATABASE_URL must be a postgres:// URL")
        config["TEST"] = {"NAME": os.environ.get("AINET_TEST_DATABASE_NAME", "test_ainet")}
        # No JIT: the access conditions make PostgreSQL's cost estimates large, and compiling
        # a plan took ~0.6 s of a 0.7 s person list (measured with EXPLAIN ANALYZE); these
        # are short queries that JIT never pays back. AINET_PG_JIT=on keeps the server's
        # setting.
        options = config.setdefault("OPTIONS", {})
        if env_str("AINET_PG_JIT", "off") != "on":
            options["options"] = f"{options.get('options', '')} -c jit=off".strip()
        # Django's queries are bound on the client and never prepared; this lets code that
        # asks for it (`prepare=True`: the safety fast path, ainet/api/fastpath.py) prepare
        # a statement on the server, and nothing else. AINET_PG_PREPARE=off for a pooler
        # that cannot keep prepared statements.
        if env_bool("AINET_PG_PREPARE", True):
            options.setdefault("prepare_threshold", PREPARE_ONLY_WHEN_ASKED)
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
# The safety fast path (ainet/api/fastpath.py) on PostgreSQL; off: every update goes through
# Django's middleware and the API router.
SAFETY_FAST_PATH = env_bool("AINET_SAFETY_FAST_PATH", True)
# Under ASGI (ainet/asgi.py, uvicorn workers) each worker process runs Django's requests in
# this many threads and keeps at most this many connections of its own for the fast path.
ASGI_THREADS = env_int("AINET_ASGI_THREADS", 4)
SAFETY_FAST_PATH_CONNECTIONS = env_int("AINET_SAFETY_FAST_PATH_CONNECTIONS", 8)


def cache_settings() -> dict[str, Any]:
    """The default cache is Django's per-process local memory. The "ratelimit" cache counts
    public form posts (core/ratelimit.py) and must be shared by every web process, so it is the
    database by default (table `ainet_ratelimit`, created after `migrate`): no extra service,
    and gunicorn's workers see the same counts. AINET_RATELIMIT_CACHE=locmem keeps it in memory
    (one process only); a redis:// URL uses Redis (needs the `redis` package)."""
    store = env_str("AINET_RATELIMIT_CACHE", "database")
    ratelimit: dict[str, Any]
    if store == "database":
        ratelimit = {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ainet_ratelimit",
            # Culling would forget the counts of busy addresses; keep many.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    elif store == "locmem":
        ratelimit = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ainet-ratelimit",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    elif store.startswith(("redis://", "rediss://", "unix://")):
        ratelimit = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": store}
    else:
        raise ImproperlyConfigured(
            f"AINET_RATELIMIT_CACHE must be database, locmem or a redis:// URL, not {store!r}"
        )
    return {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "ratelimit": ratelimit,
    }


CACHES = cache_settings()

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
# The address the lockout counts by: REMOTE_ADDR, or behind AINET_TRUSTED_PROXIES proxies the
# address they saw — as the audit log records it (otherwise every visitor would be the proxy).
AXES_CLIENT_IP_CALLABLE = "ainet.core.audit.client_ip"

OTP_TOTP_ISSUER = "ainet"

LANGUAGE_CODE = "ja"
# やさしい日本語 (easy Japanese) has no code of its own in BCP 47 or in Django; "ja-easy" is a
# valid Django language code (its catalogue lives in locale/ja_Easy) and is added to Django's
# LANG_INFO below. Pages in it say lang="ja" to browsers and screen readers.
EASY_JAPANESE = "ja-easy"
LANGUAGES = [
    ("ja", _("Japanese")),
    ("en", _("English")),
    (EASY_JAPANESE, _("Easy Japanese")),
    ("zh-hans", _("Simplified Chinese")),
    ("ko", _("Korean")),
    ("pt-br", _("Portuguese")),
    ("tl", _("Tagalog")),
    ("vi", _("Vietnamese")),
]
# Staff pages stay in Japanese and English; public pages offer every language above.
STAFF_LANGUAGES = ("ja", "en")
PUBLIC_LANGUAGES = tuple(code for code, _name in LANGUAGES)
EXTRA_LANG_INFO = {
    EASY_JAPANESE: {
        "bidi": False,
        "code": EASY_JAPANESE,
        "name": "Easy Japanese",
        "name_local": "やさしい日本語",
    },
    "tl": {"bidi": False, "code": "tl", "name": "Tagalog", "name_local": "Tagalog"},
}


def _extend_lang_info() -> None:
    from django.conf.locale import LANG_INFO

    for code, info in EXTRA_LANG_INFO.items():
        LANG_INFO.setdefault(code, info)


_extend_lang_info()
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
# Posts to the public (no log-in) forms allowed per client address and form in a fixed window
# (core/ratelimit.py); 0 turns a form's limit off. Further posts get 429 and change nothing.
AINET_PUBLIC_POST_WINDOW_SECONDS = env_int("AINET_PUBLIC_POST_WINDOW_SECONDS", 3600)
AINET_PUBLIC_POST_LIMITS = {
    "concern": env_int("AINET_PUBLIC_POSTS_CONCERN", 10),
    "volunteer": env_int("AINET_PUBLIC_POSTS_VOLUNTEER", 10),
    # A group saves its draft, attaches and removes files: many posts for one application.
    "grant": env_int("AINET_PUBLIC_POSTS_GRANT", 60),
    "event": env_int("AINET_PUBLIC_POSTS_EVENT", 10),
}
# How many reverse proxies in front of the app append to X-Forwarded-For. 0 (the default):
# the header is ignored and REMOTE_ADDR is the client (a visitor could forge the header).
AINET_TRUSTED_PROXIES = env_int("AINET_TRUSTED_PROXIES", 0)
# The ward the public pages show and the public concern form files into (団体コード); empty:
# the demo ward (public pages) or the first one.
AINET_PUBLIC_MUNICIPALITY = env_str("AINET_PUBLIC_MUNICIPALITY", "")
# Map tiles, e.g. https://tile.openstreetmap.jp/{z}/{x}/{y}.png. Empty (the default): no tiles,
# the map shows areas and markers only, so it works offline and in closed office networks.
AINET_MAP_TILE_URL = env_str("AINET_MAP_TILE_URL", "")
AINET_MAP_TILE_ATTRIBUTION = env_str("AINET_MAP_TILE_ATTRIBUTION", "")
# The licence of the open data (non-personal data) the public pages offer for download.
AINET_OPEN_DATA_LICENCE = env_str("AINET_OPEN_DATA_LICENCE", "CC BY 4.0")
AINET_OPEN_DATA_LICENCE_URL = env_str(
    "AINET_OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)
