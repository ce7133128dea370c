import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.conftest import on_postgresql

PRODUCTION_ENV = {
    "AINET_ENV": "production",
    "AINET_SECRET_KEY": "p" * 20 + "-production-secret-key-for-the-check-only-" + "q" * 20,
    "AINET_ALLOWED_HOSTS": "ainet.example.jp",
}


def run_ainet(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AINET_")}
    environment.update(env)
    if "AINET_DATABASE_URL" in os.environ:
        environment["AINET_DATABASE_URL"] = os.environ["AINET_DATABASE_URL"]
    return subprocess.run(
        [sys.executable, "-m", "ainet", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deployment_check_is_clean_in_production() -> None:
    result = run_ainet("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "AINET_SECRET_KEY"}
    result = run_ainet("check", **env)
    assert result.returncode != 0
    assert "AINET_SECRET_KEY" in result.stderr


def test_a_bad_boolean_setting_fails_loudly() -> None:
    result = run_ainet("check", AINET_DEBUG="maybe")
    assert result.returncode != 0
    assert "AINET_DEBUG" in result.stderr


def test_python_dash_m_ainet_is_the_management_command() -> None:
    result = run_ainet("help")
    assert result.returncode == 0
    assert "demo" in result.stdout and "serve" in result.stdout


@pytest.mark.skipif(on_postgresql(), reason="SQLite pragmas apply to the embedded database")
@pytest.mark.django_db
def test_embedded_sqlite_runs_with_wal_full_sync_and_foreign_keys() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL
    from django.conf import settings

    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]


@pytest.mark.skipif(not on_postgresql(), reason="JIT is a PostgreSQL setting")
@pytest.mark.django_db
def test_postgresql_connections_run_without_jit() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_the_jit_option_keeps_other_connection_options(monkeypatch: pytest.MonkeyPatch) -> None:
    from ainet import settings

    monkeypatch.setenv("AINET_DATABASE_URL", "postgres://u@db.example:5432/ainet?sslmode=require")
    config = settings.database_settings()
    assert config["OPTIONS"]["sslmode"] == "require"
    assert config["OPTIONS"]["options"] == "-c jit=off"
    monkeypatch.setenv("AINET_PG_JIT", "on")
    assert "options" not in settings.database_settings().get("OPTIONS", {})


def test_statements_are_prepared_only_when_asked_unless_turned_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ainet import settings

    monkeypatch.setenv("AINET_DATABASE_URL", "postgres://u@db.example:5432/ainet")
    options = settings.database_settings()["OPTIONS"]
    assert options["prepare_threshold"] == settings.PREPARE_ONLY_WHEN_ASKED
    monkeypatch.setenv("AINET_PG_PREPARE", "off")
    assert "prepare_threshold" not in settings.database_settings()["OPTIONS"]


def test_the_asgi_application_is_the_fast_path_in_front_of_django_in_threads() -> None:
    code = (
        "import ainet.asgi as a; "
        "print(type(a.application).__name__, a.application.application is a.django_in_threads,"
        " a.django_in_threads.executor._max_workers, a.application.executor is not None)"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AINET_")}
    environment["AINET_ASGI_THREADS"] = "6"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["SafetyFastPathASGI", "True", "6", "True"]


def test_time_zone_and_language_defaults() -> None:
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert settings.USE_TZ
    assert settings.LANGUAGE_CODE == "ja"
    # Staff pages speak Japanese and English; the public pages all eight languages.
    assert list(settings.STAFF_LANGUAGES) == ["ja", "en"]
    assert [code for code, _name in settings.LANGUAGES] == [
        "ja", "en", "ja-easy", "zh-hans", "ko", "pt-br", "tl", "vi"
    ]  # fmt: skip
