"""Request guards every page and endpoint shares: the body size cap, the Content-Security-Policy,
staff sessions' idle timeout, and refusing text no field can hold (NUL, lone surrogates)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from gongkai.core import logs, ratelimit

Handler = Callable[[HttpRequest], HttpResponse]


def _refusal(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {
            "type": f"https://gongkai.invalid/problems/{code}",
            "title": "请求有误",
            "status": status,
            "detail": message,
            "code": code,
            "field": None,
        }
        return JsonResponse(body, status=status, content_type="application/problem+json")
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RequestId:
    """Names each request (``core.logs``): the trusted proxy's ``X-Request-ID`` or a new id, kept
    for the request's log lines and returned in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = str(request.META.get("HTTP_X_REQUEST_ID", ""))
        trusted = ratelimit.from_trusted_proxy(request)
        request_id = given if trusted and logs.GOOD_ID.match(given) else logs.new_request_id()
        # Kept until the request is finished (core.logs), not only while the middleware runs:
        # Django logs a 4xx response after the middleware has returned.
        logs.REQUEST_ID.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class RequestBodyLimit:
    """Refuses a request whose declared body is larger than ``GONGKAI_MAX_REQUEST_BYTES`` before any
    of it is read: three 300 MB "attachments" are turned away by their Content-Length, not after
    they have been received. (Django reads no more than the declared length, and a body without one
    as empty, so the declaration is what counts.) The reverse proxy should cap bodies too
    (docs/operations.md)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refusal(request, 400, "bad_content_length", "请求头 Content-Length 无效。")
        limit = settings.GONGKAI_MAX_REQUEST_BYTES
        if declared > limit:
            return _refusal(
                request,
                413,
                "request_too_large",
                f"提交的内容共{declared / 1048576:.0f} MB，超过上限{limit / 1048576:.0f} MB，未被接收。"
                "请减少或压缩附件后重试。",
            )
        return self.get_response(request)


def _bad_text(raw: bytes, *, json_body: bool) -> bool:
    """NUL, bytes that are not UTF-8, or (in JSON) a string holding NUL or a lone surrogate."""
    if b"\x00" in raw:
        return True
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    if not json_body or "\\u" not in text:
        return False
    try:
        decoded = json.loads(text)
    except (ValueError, RecursionError):
        return False  # not JSON, or nested beyond reading: the parser will say so
    return _has_unstorable(decoded)


def _has_unstorable(value: Any) -> bool:
    if isinstance(value, str):
        return any(c == "\x00" or "\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, dict):
        return any(_has_unstorable(k) or _has_unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_unstorable(v) for v in value)
    return False


_NUL_IN_QUERY = re.compile(r"%00|\x00")


class RefuseUnstorableText:
    """No field of the platform can hold a NUL character or a lone surrogate (PostgreSQL refuses
    both, and neither is ever typed by a person), so a form or JSON body, or an address, carrying one
    is refused here with a 400 in Chinese, once for every page and endpoint. Multipart bodies are
    not read here (they may be large); their text fields are checked by the forms' own validators."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A query string is a lookup, not a record: a NUL in it is dropped (the search page then
        # treats what is left as plain text); Django already decodes bytes that are not UTF-8 as
        # U+FFFD, so no lone surrogate reaches a view from there.
        query = request.META.get("QUERY_STRING", "")
        if query and ("%00" in query or "\x00" in query):
            request.META["QUERY_STRING"] = _NUL_IN_QUERY.sub("", query)
        body = b""
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH") and not content_type.startswith("multipart/"):
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
            if declared <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                body = request.body
                if content_type.startswith("application/x-www-form-urlencoded"):
                    body = unquote_to_bytes(body.replace(b"+", b" "))
        json_body = "json" in content_type
        if _has_unstorable(request.path_info) or (body and _bad_text(body, json_body=json_body)):
            return _refusal(
                request,
                400,
                "invalid_characters",
                "提交的内容含有无法保存的字符（如空字符或不成对的代理字符），请删除后重试。",
            )
        return self.get_response(request)


class ContentSecurityPolicy:
    """Scripts only from this site's own files, never inline; no plugins; no framing; forms post
    only here. Inline style attributes are allowed (they cannot run code)."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    )

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.POLICY)
        return response


class StaffIdleTimeout:
    """A staff session ends after ``GONGKAI_STAFF_IDLE_SECONDS`` without a request: a workbench left
    open on an office computer does not stay signed in. The last-seen time is written at most once a
    minute, so an active session costs no write per request."""

    KEY = "gongkai_last_seen"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(self.KEY)
            if isinstance(last, (int, float)) and now - last > settings.GONGKAI_STAFF_IDLE_SECONDS:
                logout(request)
                if request.path.startswith("/api/"):
                    return _refusal(request, 401, "session_expired", "长时间未操作，请重新登录。")
                return redirect(f"{settings.LOGIN_URL}?next={request.path}")
            if not isinstance(last, (int, float)) or now - last > 60:
                request.session[self.KEY] = now
        return self.get_response(request)
