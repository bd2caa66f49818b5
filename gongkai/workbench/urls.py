from django.urls import path

from gongkai.workbench import views

app_name = "workbench"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("documents/", views.document_list, name="documents"),
    path("documents/new/", views.document_create, name="document_create"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/do/<slug:action>/", views.document_transition, name="document_transition"),
    path("documents/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("at-risk/", views.at_risk, name="at_risk"),
]
