"""Settings come from the environment: what an operator gets from each set of variables.

Each case runs in a fresh Python process, as the server would start, with none of the
caller's Silta variables (a PostgreSQL test run sets DATABASE_URL, for one).
"""

import functools
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
VARIABLES = {
    "ALLOWED_HOSTS",
    "CACHE_URL",
    "CONN_MAX_AGE",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DEBUG",
    "DEFAULT_FROM_EMAIL",
    "DEMO_MODE",
    "EMAIL_TIMEOUT",
    "EMAIL_URL",
    "LOG_LEVEL",
    "MEDIA_ROOT",
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
    "SERVER_EMAIL",
    "SITE_URL",
    "STATIC_ROOT",
    "TASKS_BACKEND",
    "DJANGO_SETTINGS_MODULE",
}
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(45)[:60],
    "ALLOWED_HOSTS": "silta.example.fi",
    "DATABASE_URL": "sqlite:////tmp/x.sqlite3",
    "EMAIL_URL": "smtp+tls://u:p@smtp.example.fi:587",
}
SHOW = """
import functools
import json
import django
django.setup()
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "DEBUG": s.DEBUG,
    "DEMO_MODE": s.DEMO_MODE,
    "ENGINE": db["ENGINE"], "NAME": str(db["NAME"]), "HOST": db.get("HOST"),
    "PORT": db.get("PORT"), "USER": db.get("USER"), "OPTIONS": db.get("OPTIONS", {}),
    "CONN_MAX_AGE": db.get("CONN_MAX_AGE"), "CONN_HEALTH_CHECKS": db.get("CONN_HEALTH_CHECKS"),
    "MAILERS": s.MAILERS, "TASKS": s.TASKS["default"]["BACKEND"],
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE, "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT, "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "ACCOUNT_DEFAULT_HTTP_PROTOCOL": s.ACCOUNT_DEFAULT_HTTP_PROTOCOL,
    "STATICFILES": s.STORAGES["staticfiles"]["BACKEND"],
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
}))
"""


def _developer_env_file_sets(name: str) -> bool:
    env_file = BASE_DIR / ".env"
    return env_file.exists() and any(
        line.strip().startswith(f"{name}=") for line in env_file.read_text().splitlines()
    )


def run(*args: str, **variables: str) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests in this process; deploy checks warn on it.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in VARIABLES and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env["DJANGO_SETTINGS_MODULE"] = "silta.settings"
    env.update(variables)
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_with(**variables: str) -> dict:
    return _settings(tuple(sorted(variables.items())))


@functools.cache
def _settings(variables: tuple) -> dict:
    done = run("-c", SHOW, **dict(variables))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- production --------------------------------------------------------------------------------


def test_production_variables_pass_the_deploy_check():
    done = run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_production_settings_are_secure():
    s = settings_with(**PRODUCTION)
    assert s["DEBUG"] is False and s["DEMO_MODE"] is False
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SECURE_SSL_REDIRECT"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["ACCOUNT_DEFAULT_HTTP_PROTOCOL"] == "https"
    assert s["ALLOWED_HOSTS"] == ["silta.example.fi"]
    assert s["STATICFILES"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_email_url_sets_up_the_smtp_mailer():
    mailer = settings_with(**PRODUCTION)["MAILERS"]["default"]
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    options = mailer["OPTIONS"]
    assert (options["host"], options["port"]) == ("smtp.example.fi", 587)
    assert (options["username"], options["password"]) == ("u", "p")
    assert options["use_tls"] is True
    assert "use_ssl" not in options or options["use_ssl"] is False


def test_without_secret_key_production_refuses_to_start_with_a_clear_message():
    variables = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    done = run("manage.py", "check", **variables)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "SECRET_KEY on pakollinen, kun DEBUG=false." in done.stderr


def test_an_empty_secret_key_is_refused_too():
    done = run("manage.py", "check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert done.returncode != 0
    assert "SECRET_KEY on pakollinen" in done.stderr


def test_a_weak_secret_key_fails_the_deploy_check():
    done = run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **{**PRODUCTION, "SECRET_KEY": "salasana"},
    )
    assert done.returncode != 0
    assert "security.W009" in done.stdout + done.stderr


# -- databases ---------------------------------------------------------------------------------


def test_postgres_url_selects_postgresql():
    s = settings_with(DATABASE_URL="postgres://silta:salainen@db.example.fi:5433/silta")
    assert s["ENGINE"] == "django.db.backends.postgresql"
    assert (s["NAME"], s["HOST"], s["PORT"], s["USER"]) == ("silta", "db.example.fi", 5433, "silta")
    assert s["CONN_MAX_AGE"] == 60 and s["CONN_HEALTH_CHECKS"] is True
    assert "init_command" not in s["OPTIONS"]  # the SQLite pragmas are not passed to PostgreSQL


def test_defaults_give_sqlite_development():
    if _developer_env_file_sets("DATABASE_URL") or _developer_env_file_sets("DEBUG"):
        pytest.skip("a developer .env file sets these")
    s = settings_with()
    assert s["DEBUG"] is True and s["DEMO_MODE"] is True
    assert s["ENGINE"] == "django.db.backends.sqlite3"
    assert s["NAME"] == str(BASE_DIR / "db.sqlite3")
    assert "journal_mode=WAL" in s["OPTIONS"]["init_command"]
    assert s["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert s["MAILERS"]["default"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert s["TASKS"] == "django_tasks_db.DatabaseBackend"
    assert s["SESSION_COOKIE_SECURE"] is False


def test_sqlite_url_in_production_keeps_the_pragmas():
    s = settings_with(**PRODUCTION)
    assert s["ENGINE"] == "django.db.backends.sqlite3"
    assert s["NAME"] == "/tmp/x.sqlite3"
    assert "journal_mode=WAL" in s["OPTIONS"]["init_command"]


def test_immediate_tasks_can_be_chosen():
    assert settings_with(TASKS_BACKEND="immediate")["TASKS"] == (
        "django.tasks.backends.immediate.ImmediateBackend"
    )
