"""Production: the default of ``manage.py`` and ``config.wsgi``, so a forgotten variable never serves
debug pages or the development key. It refuses to start without a secret key and allowed hosts, and
passes ``manage.py check --deploy`` without a warning (docs/security.md, docs/operations.md)."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _required(name: str, what: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set ({what}). For development run with DJANGO_SETTINGS_MODULE=config.settings.dev "
            "(make run does); for production see docs/operations.md."
        )
    return value


DEBUG = False
SECRET_KEY = _required(
    "DJANGO_SECRET_KEY",
    "a long random string, e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`",
)
ALLOWED_HOSTS = [
    h.strip()
    for h in _required("DJANGO_ALLOWED_HOSTS", "the site's host names, comma-separated").split(",")
    if h.strip()
]

# HTTPS everywhere. The reverse proxy terminates TLS and must set X-Forwarded-Proto itself,
# overwriting whatever the client sent (docs/operations.md).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("GONGKAI_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = 365 * 24 * 3600
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True

# Rate limits, lockouts and the anti-abuse nonces must be shared by every worker and server.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("GONGKAI_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "KEY_PREFIX": "gongkai",
    }
}

LOGGING = logging_config(os.environ.get("GONGKAI_LOG_JSON", "1") == "1")  # noqa: F405
