"""Errors as RFC 9457 problem documents, one shape for every endpoint.

A domain ``ApplicationError`` keeps its stable ``code`` and ``field`` (the same the pages show); DRF's
own errors (not signed in, malformed JSON, unknown method) get codes of their own.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from gongkai.core.errors import ApplicationError, IllegalTransition, NotFound, PermissionDenied, ValidationFailed

STATUS = {ValidationFailed: 400, PermissionDenied: 403, NotFound: 404, IllegalTransition: 409}
TITLES = {
    400: "请求有误",
    401: "未登录",
    403: "无权操作",
    404: "未找到",
    405: "方法不允许",
    409: "当前状态不允许此操作",
    429: "请求过于频繁",
}


def problem(status: int, detail: str, code: str, field: str | None = None) -> Response:
    body = {
        "type": f"https://gongkai.invalid/problems/{code}",
        "title": TITLES.get(status, "错误"),
        "status": status,
        "detail": detail,
        "code": code,
        "field": field,
    }
    return Response(body, status=status, content_type="application/problem+json")


def problem_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        if exc.code == "rate_limited":
            return problem(429, exc.message, exc.code, exc.field)
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
        return problem(status, exc.message, exc.code, exc.field)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return problem(response.status_code, "请先登录。", "not_authenticated")
    if isinstance(exc, exceptions.ParseError):
        return problem(400, "请求内容无法解析，请检查 JSON 格式。", "malformed_request")
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    return problem(response.status_code, str(detail), getattr(exc, "default_code", "error"))
