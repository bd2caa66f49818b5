"""One family of domain errors with stable codes.

Interfaces translate them: the UI shows ``message`` (plain Chinese), the API will return the
``code`` in an RFC 9457 problem document. A code never changes once published.
"""

from __future__ import annotations


class ApplicationError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationFailed(ApplicationError):
    code = "validation_failed"


class PermissionDenied(ApplicationError):
    code = "permission_denied"


class IllegalTransition(ApplicationError):
    code = "illegal_transition"


class NotFound(ApplicationError):
    code = "not_found"
