from .base import *  # noqa: F403

DEBUG = True

import os  # noqa: E402

if "EMAIL_HOST" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Rendering letters and reports ahead needs Chromium (make system-deps); without it a development
# machine renders DOCX on the first download and says plainly that PDF needs Chromium, instead of
# filling the job queue with failed attempts.
if "GONGKAI_RENDER_AHEAD" not in os.environ:
    import shutil

    GONGKAI_RENDER_AHEAD = bool(shutil.which("chromium") or os.path.exists("/usr/bin/chromium"))
