"""Files in an S3-compatible object store (``GONGKAI_STORAGE=s3``), so that every application server
and worker reads and writes the same files (issue 20 §2).

One bucket holds both stores under two prefixes (``media/``: catalogue attachments and published
reports; ``private/``: applicants' files, letters, catalogue imports), or the private store has its
own bucket (``GONGKAI_S3_PRIVATE_BUCKET``). Neither is public: every file leaves through a view that
checks who asks, as on a local disk, so objects are written without an ACL and the private store
refuses to make a URL at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):  # type: ignore[misc]  # django-storages has no type hints
    def url(self, name: str | None, parameters: Any = None, expire: Any = None, http_method: Any = None) -> str:
        raise ValueError("private files have no URL; serve them through a view that checks who asks")


def storages_from_environment(env: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The ``default`` and ``private`` entries of ``STORAGES`` for the object store ``env`` names."""
    bucket = env.get("GONGKAI_S3_BUCKET", "")
    if not bucket:
        raise ValueError("GONGKAI_STORAGE=s3 needs GONGKAI_S3_BUCKET (and usually GONGKAI_S3_ENDPOINT_URL)")
    common: dict[str, Any] = {
        "endpoint_url": env.get("GONGKAI_S3_ENDPOINT_URL") or None,
        "region_name": env.get("GONGKAI_S3_REGION") or None,
        # Credentials may also come from the instance's role or AWS_* variables (boto3's own lookup).
        "access_key": env.get("GONGKAI_S3_ACCESS_KEY") or None,
        "secret_key": env.get("GONGKAI_S3_SECRET_KEY") or None,
        "default_acl": None,  # the bucket's policy, which must not be public
        "file_overwrite": False,  # names are random; a clash gets a new name, never overwrites
        "signature_version": "s3v4",
        "addressing_style": env.get("GONGKAI_S3_ADDRESSING_STYLE") or "path",
    }
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "bucket_name": bucket, "location": "media"},
        },
        "private": {
            "BACKEND": "gongkai.core.s3.PrivateS3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": env.get("GONGKAI_S3_PRIVATE_BUCKET") or bucket,
                "location": "private",
            },
        },
    }
