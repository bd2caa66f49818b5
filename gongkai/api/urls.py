from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from gongkai.api import applications, views

app_name = "api"
urlpatterns = [
    path("v1/search", views.SearchView.as_view(), name="search"),
    path("v1/schema", SpectacularAPIView.as_view(), name="schema"),
    path("v1/applications/challenge", applications.ChallengeView.as_view(), name="challenge"),
    path("v1/applications", applications.PublicApplyView.as_view(), name="apply"),
    path("v1/applications/status", applications.PublicStatusView.as_view(), name="status"),
    path("v1/applications/correction", applications.PublicCorrectionView.as_view(), name="correction"),
    path("v1/staff/applications", applications.StaffListView.as_view(), name="staff_applications"),
    path("v1/staff/applications/<id:pk>", applications.StaffDetailView.as_view(), name="staff_application"),
    path(
        "v1/staff/applications/<id:pk>/actions/<slug:action>",
        applications.StaffActionView.as_view(),
        name="staff_action",
    ),
    path("v1/staff/applications/<id:pk>/reveal", applications.StaffRevealView.as_view(), name="staff_reveal"),
]
