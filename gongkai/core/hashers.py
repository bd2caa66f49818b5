"""Password hashing for applicants' secrets (the second half of the tracking credential)."""

from __future__ import annotations

from django.contrib.auth.hashers import ScryptPasswordHasher


class ApplicantSecretHasher(ScryptPasswordHasher):
    """scrypt with N=2^14, r=8, p=1: memory-hard (16 MiB) and about 40 ms. Django's own scrypt
    setting uses p=5, five times the work, which public submission under load cannot afford; the
    secret is only ever used together with a random 40-bit tracking code."""

    algorithm = "gk_scrypt"
    parallelism = 1
