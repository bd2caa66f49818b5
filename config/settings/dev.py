from .base import *  # noqa: F403

DEBUG = True

import os  # noqa: E402

if "EMAIL_HOST" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
