from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

import gongkai.core.converters  # noqa: F401  (registers <id:…> before the apps' URLs are read)
from gongkai.api.health import healthz, metrics_view
from gongkai.workbench.auth_views import ThrottledLoginView

urlpatterns = [
    # One sign-in for the workbench and the admin, throttled (gongkai.workbench.auth_views).
    path("admin/login/", RedirectView.as_view(url="/accounts/login/", query_string=True)),
    path("admin/", admin.site.urls),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workbench/", include("gongkai.workbench.urls")),
    path("api/", include("gongkai.api.urls")),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("", include("gongkai.portal.urls")),
]
