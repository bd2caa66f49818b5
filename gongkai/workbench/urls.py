from django.urls import path

from gongkai.workbench import application_records as records
from gongkai.workbench import application_views as apps
from gongkai.workbench import case_views as cases
from gongkai.workbench import import_views as imports
from gongkai.workbench import interpretation_views, report_views, views
from gongkai.workbench import message_views as msgs

app_name = "workbench"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("documents/", views.document_list, name="documents"),
    path("documents/new/", views.document_create, name="document_create"),
    path("documents/<id:pk>/", views.document_detail, name="document"),
    path("documents/<id:pk>/edit/", views.document_edit, name="document_edit"),
    path("documents/<id:pk>/do/<slug:action>/", views.document_transition, name="document_transition"),
    path("documents/<id:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<id:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("documents/imports/", imports.import_list, name="imports"),
    path("documents/imports/<id:pk>/", imports.import_detail, name="import"),
    path("documents/imports/<id:pk>/retry/", imports.import_retry, name="import_retry"),
    path("messages/", msgs.message_list, name="messages"),
    path("messages/boxes/", msgs.message_boxes, name="message_boxes"),
    path("messages/offline/", msgs.tally_enter, name="message_tally"),
    path("messages/<id:pk>/", msgs.message_detail, name="message"),
    path("messages/<id:pk>/reveal/", msgs.message_reveal, name="message_reveal"),
    path("messages/<id:pk>/do/<slug:action>/", msgs.message_act, name="message_act"),
    path("interpretations/", interpretation_views.interpretations, name="interpretations"),
    path("at-risk/", views.at_risk, name="at_risk"),
    path("applications/", apps.inbox, name="applications"),
    path("applications/new/", apps.register, name="application_register"),
    path("applications/search/", cases.case_search, name="application_search"),
    path("applications/search/export.<str:fmt>", cases.case_export, name="application_export"),
    path("applications/<id:pk>/", apps.detail, name="application"),
    path("applications/<id:pk>/reveal/", apps.reveal, name="application_reveal"),
    path("applications/<id:pk>/unlock/", apps.unlock_tracking, name="application_unlock"),
    path("applications/<id:pk>/reset-code/", apps.reset_code, name="application_reset_code"),
    path("applications/<id:pk>/proactive/", apps.make_proactive, name="application_proactive"),
    path("applications/<id:pk>/do/<slug:action>/", apps.act, name="application_act"),
    path("applications/<id:pk>/appeals/", records.appeal_add, name="appeal_add"),
    path("applications/<id:pk>/documents/", records.reply_document_add, name="reply_document_add"),
    path("reply-documents/<id:pk>/", records.reply_document_file, name="reply_document"),
    path("reply-documents/<id:pk>/remove/", records.reply_document_remove, name="reply_document_remove"),
    path("appeals/<id:pk>/decide/", records.appeal_decide, name="appeal_decide"),
    path("letters/<id:pk>.<str:fmt>", records.letter_file, name="letter_file"),
    path("application-files/<id:pk>/", records.upload_file, name="application_file"),
    path("letter-templates/", records.letter_templates, name="letter_templates"),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/prepare/", report_views.report_prepare, name="report_prepare"),
    path("reports/import/", report_views.report_import, name="report_import"),
    path("reports/<id:pk>/", report_views.report_detail, name="report"),
    path("reports/<id:pk>/export.<str:fmt>", report_views.report_export, name="report_export"),
    path("reports/<id:pk>/<slug:what>/", report_views.report_edit, name="report_edit"),
]
