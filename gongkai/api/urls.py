from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from gongkai.api import application_steps as steps
from gongkai.api import applications, columns, items, messages, openness, report_audits, statistics, supervision, views

app_name = "api"
urlpatterns = [
    path("v1/search", views.SearchView.as_view(), name="search"),
    path("v1/items/<id:pk>", items.ItemView.as_view(), name="item"),
    path("v1/messages", messages.PublishedMessagesView.as_view(), name="messages"),
    path("v1/press-conferences", openness.PressConferencesView.as_view(), name="press_conferences"),
    path("v1/reading-points", openness.ReadingPointsView.as_view(), name="reading_points"),
    path("v1/key-columns", columns.KeyColumnsView.as_view(), name="key_columns"),
    path("v1/gazette-issues", openness.GazetteIssuesView.as_view(), name="gazette_issues"),
    path("v1/staff/openness-records", openness.StaffRecordsView.as_view(), name="staff_openness_records"),
    path("v1/staff/supervision", supervision.StaffSupervisionView.as_view(), name="staff_supervision"),
    path("v1/report-audits", report_audits.ReportAuditsView.as_view(), name="report_audits"),
    path("v1/staff/statistics", statistics.StaffStatisticsView.as_view(), name="staff_statistics"),
    path("v1/staff/interpretations", items.StaffInterpretationsView.as_view(), name="staff_interpretations"),
    path("v1/schema", SpectacularAPIView.as_view(), name="schema"),
    path("v1/applications/challenge", applications.ChallengeView.as_view(), name="challenge"),
    path("v1/applications", applications.PublicApplyView.as_view(), name="apply"),
    path("v1/applications/status", applications.PublicStatusView.as_view(), name="status"),
    path("v1/applications/correction", applications.PublicCorrectionView.as_view(), name="correction"),
    path("v1/applications/withdraw", steps.PublicWithdrawView.as_view(), name="withdraw"),
    path("v1/applications/rate", steps.PublicRateView.as_view(), name="rate"),
    path("v1/applications/documents/<id:pk>", steps.PublicDocumentView.as_view(), name="document"),
    path("v1/applications/recover", steps.PublicRecoverView.as_view(), name="recover"),
    path("v1/applications/reset", steps.PublicResetView.as_view(), name="reset"),
    path("v1/staff/applications", applications.StaffListView.as_view(), name="staff_applications"),
    path("v1/staff/applications/<id:pk>", applications.StaffDetailView.as_view(), name="staff_application"),
    path(
        "v1/staff/applications/<id:pk>/actions/<slug:action>",
        applications.StaffActionView.as_view(),
        name="staff_action",
    ),
    path("v1/staff/applications/<id:pk>/reveal", applications.StaffRevealView.as_view(), name="staff_reveal"),
    path(
        "v1/staff/applications/<id:pk>/preview/<slug:action>",
        steps.StaffPreviewView.as_view(),
        name="staff_preview",
    ),
    path("v1/staff/applications/<id:pk>/documents", steps.StaffDocumentsView.as_view(), name="staff_documents"),
    path("v1/staff/reply-documents/<id:pk>", steps.StaffDocumentView.as_view(), name="staff_document"),
    path("v1/staff/applications/<id:pk>/proactive", steps.StaffProactiveView.as_view(), name="staff_proactive"),
]
