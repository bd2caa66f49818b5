"""Staff sign-in, throttled: after a few failures for one account (from anywhere), or many from one
address (across accounts), the form makes them wait. Counters live in the shared cache."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse

from gongkai.core import ratelimit


def _account(request: HttpRequest) -> str:
    return str(request.POST.get("username", ""))[:150].strip().casefold()


class ThrottledLoginView(LoginView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        window = settings.GONGKAI_LOGIN_LOCK_SECONDS
        who = ratelimit.client_address(request)
        if ratelimit.exceeded(
            "login-account", _account(request), settings.GONGKAI_LOGIN_FAILURES_PER_ACCOUNT, window
        ) or ratelimit.exceeded("login-address", who, settings.GONGKAI_LOGIN_FAILURES_PER_ADDRESS, window):
            # The password is not even checked: a guess made now tells nothing.
            message = f"登录失败次数过多，请{window // 60}分钟后再试。"
            return self.render_to_response(self.get_context_data(throttled=message), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        window = settings.GONGKAI_LOGIN_LOCK_SECONDS
        ratelimit.hit("login-account", _account(self.request), window)
        ratelimit.hit("login-address", ratelimit.client_address(self.request), window)
        return super().form_invalid(form)
