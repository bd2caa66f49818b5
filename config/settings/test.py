from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "gongkai.core.hashers.ApplicantSecretHasher"]
GONGKAI_SECRET_HASHER = "md5"
MEDIA_ROOT = VAR_DIR / "test-media"
GONGKAI_PRIVATE_ROOT = VAR_DIR / "test-private"

# A file, not :memory:, so the live server used by the browser tests gets its own connections,
# as in production. The file is created and removed by the test runner.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-gongkai.sqlite3")}  # noqa: F405
# Tests see each job's effect (a mail) as soon as the step commits; tests/test_jobs.py runs the worker.
GONGKAI_JOBS_EAGER = True
# Rendering every letter a test issues would print hundreds of PDFs; tests/test_rendered.py turns it on.
GONGKAI_RENDER_AHEAD = False
# The test runner empties every table with TRUNCATE between browser tests; the audit table's TRUNCATE
# trigger lets that through on these connections only (core migration 0003).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["OPTIONS"] = {"options": "-c gongkai.audit_truncate=allow"}  # noqa: F405
