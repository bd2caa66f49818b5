"""Settings shared by every environment.

The database is chosen by ``DATABASE_URL`` (``sqlite:///path`` or
``postgres://user@host:port/name``); without it an SQLite file under ``var/`` is used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Django's generic classes (ModelAdmin[Model], ModelForm[Model], Field[...]) take type arguments for
# mypy's strict mode (issue 19 §4); this lets them be written so at run time too.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("GONGKAI_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-dev-key-change-me")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "gongkai.core",
    "gongkai.calendars",
    "gongkai.orgs",
    "gongkai.catalogue",
    "gongkai.search",
    "gongkai.applications",
    "gongkai.interaction",
    "gongkai.openness",
    "gongkai.reports",
    "gongkai.supervision",
    "gongkai.portal",
    "gongkai.workbench",
    "gongkai.demo",
    "gongkai.api",
]

MIDDLEWARE = [
    # First: every later log line of the request carries its id (gongkai.core.logs).
    "gongkai.core.middleware.RequestId",
    # How long each request takes, for Prometheus (gongkai.core.metrics).
    "gongkai.core.metrics.RequestMetrics",
    # Whether the request's reads may go to a read replica (gongkai.core.replicas).
    "gongkai.core.replicas.ReadFromReplicas",
    # Before anything reads a body: its declared size, then text no field can hold.
    "gongkai.core.middleware.RequestBodyLimit",
    "gongkai.core.middleware.RefuseUnstorableText",
    "gongkai.core.middleware.ContentSecurityPolicy",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gongkai.core.middleware.StaffIdleTimeout",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gongkai" / "templates"],
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

WSGI_APPLICATION = "config.wsgi.application"


def database_from_url(url: str | None) -> dict[str, object]:
    """Translate DATABASE_URL into Django's DATABASES entry."""
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "gongkai.sqlite3"}
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parsed.path) or ":memory:"}
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "gongkai",
            "USER": unquote(parsed.username or "postgres"),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "127.0.0.1",
            "PORT": str(parsed.port or 5432),
        }
    raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme!r}")


DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ yet; SQLite cannot create its file without the folder.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the portal read while an import writes; a busy timeout instead of instant
    # "database is locked" errors. A 128 MB page cache (the default is 2 MB) and memory-mapped
    # reads (capped by the library, 2 GB on Debian): a search confirms long terms on rows scattered
    # over the file, and each page read through the file costs a system call (docs/search.md).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-131072; "
            "PRAGMA mmap_size=2147418112;"
        ),
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }

# Read replicas (gongkai.core.replicas, docs/operations.md): the public's reads go to them while they
# are up to date. In tests a replica mirrors the test database.
for _i, _url in enumerate(u.strip() for u in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if u.strip()):
    DATABASES[f"replica{_i}"] = {**database_from_url(_url), "TEST": {"MIRROR": "default"}}
    if DATABASES[f"replica{_i}"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES[f"replica{_i}"]["OPTIONS"] = {"connect_timeout": 2}
# Who may read /metrics (Prometheus; addresses or networks, comma-separated).
GONGKAI_METRICS_FROM = [
    n.strip() for n in os.environ.get("GONGKAI_METRICS_FROM", "127.0.0.1/32,::1/128").split(",") if n.strip()
]
DATABASE_ROUTERS = ["gongkai.core.replicas.ReplicaRouter"]
GONGKAI_REPLICA_MAX_LAG_BYTES = int(os.environ.get("GONGKAI_REPLICA_MAX_LAG_BYTES", 16 * 1024 * 1024))
GONGKAI_PRIMARY_AFTER_WRITE_SECONDS = int(os.environ.get("GONGKAI_PRIMARY_AFTER_WRITE_SECONDS", 10))
# How searches plan (PostgreSQL) and where counts stop: a gongkai.search.tuning.Tuning, or None for
# its defaults (docs/search.md, "Tuning"). Results depend on it only through the count cap.
GONGKAI_SEARCH_TUNING = None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "gongkai.core.hashers.ApplicantSecretHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff sessions end after this long without a request (gongkai.core.middleware.StaffIdleTimeout).
GONGKAI_STAFF_IDLE_SECONDS = int(os.environ.get("GONGKAI_STAFF_IDLE_SECONDS", 30 * 60))
# Failed staff logins before the login form makes that account, or that address, wait.
GONGKAI_LOGIN_FAILURES_PER_ACCOUNT = 5
GONGKAI_LOGIN_FAILURES_PER_ADDRESS = 20
GONGKAI_LOGIN_LOCK_SECONDS = 15 * 60

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
# Catalogue attachments. Nothing serves this folder directly: the portal serves a published item's
# attachments through a view that checks it is published.
MEDIA_ROOT = VAR_DIR / "media"
# Private files (applicants' uploads, correction material, letters): outside every served folder,
# under random names, served only through views that check who asks (gongkai.core.storage).
GONGKAI_PRIVATE_ROOT = Path(os.environ.get("GONGKAI_PRIVATE_ROOT", VAR_DIR / "private"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "gongkai.core.storage.PrivateStorage"},
}
# Files shared by every server: a shared folder (GONGKAI_VAR_DIR / GONGKAI_PRIVATE_ROOT on NFS or
# the like), or an S3-compatible object store (GONGKAI_STORAGE=s3 and GONGKAI_S3_*; gongkai.core.s3).
GONGKAI_STORAGE = os.environ.get("GONGKAI_STORAGE", "filesystem")
if GONGKAI_STORAGE == "s3":
    from gongkai.core.s3 import storages_from_environment

    STORAGES.update(storages_from_environment(os.environ))
elif GONGKAI_STORAGE != "filesystem":
    raise ImproperlyConfigured(f"GONGKAI_STORAGE must be filesystem or s3, not {GONGKAI_STORAGE!r}")

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/workbench/"
LOGOUT_REDIRECT_URL = "/"

# Attachments (Art. 24: the platform offers 查阅、下载). Limits are per file.
GONGKAI_ATTACHMENT_MAX_BYTES = int(os.environ.get("GONGKAI_ATTACHMENT_MAX_BYTES", 50 * 1024 * 1024))
# A catalogue file imported from the workbench (JSONL or CSV, may be gzip-compressed); larger ones are
# imported with `manage.py catalogue_import`.
GONGKAI_CATALOGUE_UPLOAD_MAX_BYTES = int(os.environ.get("GONGKAI_CATALOGUE_UPLOAD_MAX_BYTES", 50 * 1024 * 1024))
# Office files (DOCX, XLSX) are ZIP containers: caps on their members' count and declared sizes,
# checked before anything is inflated (gongkai.core.zipcaps).
GONGKAI_ZIP_MAX_MEMBERS = 2000
GONGKAI_ZIP_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
GONGKAI_ZIP_MAX_XML_BYTES = 20 * 1024 * 1024
# The largest request body accepted, checked on the declared Content-Length before any of it is read
# (gongkai.core.middleware.RequestBodyLimit): a catalogue attachment, or an application's files.
GONGKAI_MAX_REQUEST_BYTES = int(os.environ.get("GONGKAI_MAX_REQUEST_BYTES", 64 * 1024 * 1024))
# 第二十六条: 20 working days from formation or change; a law may set another period.
GONGKAI_PROACTIVE_DISCLOSURE_WORKING_DAYS = 20
# 三同步 (catalogue.interpretation): an interpretation published within this many working days after
# its 规章 or 规范性文件 counts as published with it. 0 means the same day. [D] (docs/interpretation.md)
GONGKAI_INTERPRETATION_SYNC_WORKING_DAYS = 3
# Items due within this many working days are listed as "at risk".
GONGKAI_AT_RISK_WORKING_DAYS = 5
# Index-number format check for imported catalogues (spec §5, configurable [D]).
GONGKAI_INDEX_NUMBER_PATTERN = r"^[0-9A-Z]{9,18}/\d{4}(\d{2})?-\d{5}$"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "gongkai.api.parsers.ObjectJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "gongkai.api.errors.problem_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gongkai 政府信息公开 API",
    "DESCRIPTION": (
        "依申请公开的提交、查询、补正，工作人员的登记和办理。错误为 RFC 9457 problem 文档，code 与页面一致。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Applications (依申请公开).
# Applicants' secrets are hashed with scrypt (memory-hard, ~40 ms; gongkai.core.hashers) rather than
# the account default (PBKDF2, ~0.5 s of CPU): a secret is only half of the credential (with a random
# 40-bit tracking code), and public submission must stay cheap under load.
GONGKAI_SECRET_HASHER = "gk_scrypt"
GONGKAI_APPLICATION_UPLOAD_MAX_BYTES = int(os.environ.get("GONGKAI_APPLICATION_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
# Open applications due within this many working days are marked "due soon" and reminded by mail.
GONGKAI_DUE_SOON_WORKING_DAYS = 3
# Public forms: submissions per client address per hour, and wrong tracking-code/secret attempts
# per client address per hour, before the form asks them to wait.
GONGKAI_APPLY_RATE_PER_HOUR = int(os.environ.get("GONGKAI_APPLY_RATE_PER_HOUR", 10))
GONGKAI_TRACK_FAILURES_PER_HOUR = int(os.environ.get("GONGKAI_TRACK_FAILURES_PER_HOUR", 20))
# Wrong secrets for one tracking code, from any address, within a day before the code is locked
# (gongkai.applications.access).
GONGKAI_TRACK_FAILURES_PER_CODE = int(os.environ.get("GONGKAI_TRACK_FAILURES_PER_CODE", 10))
# The reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).
# Empty: no proxy, the connection's address is the client's.
GONGKAI_TRUSTED_PROXIES = [p for p in os.environ.get("GONGKAI_TRUSTED_PROXIES", "").split(",") if p.strip()]
# Public forms must stay open this long before they are accepted (a check against scripts).
GONGKAI_FORM_MIN_SECONDS = float(os.environ.get("GONGKAI_FORM_MIN_SECONDS", 3))
# The address mails point applicants and staff to.
GONGKAI_PUBLIC_URL = os.environ.get("GONGKAI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# Mail (SMTP). Without EMAIL_HOST in the environment, development prints mail to the console.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gongkai@localhost")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Durable jobs (gongkai.core.jobs, docs/adr/0012): rows in the database, run by `manage.py db_worker`
# and scheduled by `manage.py jobs_scheduler`. Mail to applicants and staff goes through them, so the
# page never waits for the mail server and a failure is retried with backoff.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Run each job in the process that enqueued it, right after the commit (the tests; no worker needed).
GONGKAI_JOBS_EAGER = os.environ.get("GONGKAI_JOBS_EAGER", "") == "1"
# Render an issued letter's DOCX and PDF, and a published report's files, in a job right after the
# step (gongkai.core.rendered), so that no download waits for Chromium. Off, the first download renders.
GONGKAI_RENDER_AHEAD = os.environ.get("GONGKAI_RENDER_AHEAD", "1") == "1"


def logging_config(json_lines: bool) -> dict[str, Any]:
    """One JSON object per line (production's default, GONGKAI_LOG_JSON) or plain lines, each with
    the id of the request it belongs to (gongkai.core.logs)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "gongkai.core.logs.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "gongkai.core.logs.JsonFormatter"},
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": "json" if json_lines else "plain",
            }
        },
        "root": {"handlers": ["console"], "level": os.environ.get("GONGKAI_LOG_LEVEL", "WARNING")},
    }


LOGGING = logging_config(os.environ.get("GONGKAI_LOG_JSON", "0") == "1")
