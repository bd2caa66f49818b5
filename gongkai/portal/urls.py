from django.urls import path

from gongkai.portal import apply_views, interaction_views, search_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search_views.search_page, name="search"),
    path("search/advanced/", search_views.advanced_search, name="advanced_search"),
    path("xxgk/<slug:slug>/", views.column, name="column"),
    path("xxgk/<slug:slug>/zhinan/", views.guide, name="guide"),
    path("xxgk/<slug:slug>/zhidu/", views.rules, name="rules"),
    path("xxgk/<slug:slug>/fdzdgknr/", views.browse, name="browse"),
    path("xxgk/<slug:slug>/nb/", views.reports, name="reports"),
    path("xxgk/<slug:slug>/nb/<id:year>/", views.report, name="report"),
    path("xxgk/<slug:slug>/nb/<id:year>.<str:fmt>", views.report_export, name="report_export"),
    path("xxgk/<slug:slug>/content/<id:pk>/", views.item, name="item"),
    path("attachments/<id:pk>/", views.attachment, name="attachment"),
    path("xxgk/<slug:slug>/ysqgk/", apply_views.apply, name="apply"),
    path("apply/done/", apply_views.apply_done, name="apply_done"),
    path("apply/track/", apply_views.track, name="apply_track"),
    path("apply/status/", apply_views.status, name="apply_status"),
    path("apply/correction/", apply_views.correction, name="apply_correction"),
    path("apply/letters/<id:pk>.<str:fmt>", apply_views.letter, name="apply_letter"),
    path("apply/files/<id:pk>/", apply_views.uploaded_file, name="apply_file"),
    path("apply/documents/<id:pk>/", apply_views.reply_document, name="apply_reply_document"),
    path("apply/unlock/<str:token>/", apply_views.unlock, name="apply_unlock"),
    path("apply/withdraw/", apply_views.withdraw, name="apply_withdraw"),
    path("apply/rate/", apply_views.rate, name="apply_rate"),
    path("apply/recover/", apply_views.recover, name="apply_recover"),
    path("apply/reset/<str:token>/", apply_views.reset, name="apply_reset"),
    path("apply/leave/", apply_views.leave, name="apply_leave"),
    path("xxgk/<slug:slug>/hudong/", interaction_views.hudong, name="hudong"),
    path("xxgk/<slug:slug>/hudong/<id:pk>/", interaction_views.hudong_item, name="hudong_item"),
    path("xxgk/<slug:slug>/hudong/write/<slug:channel>/", interaction_views.hudong_write, name="hudong_write"),
    path("hudong/done/", interaction_views.hudong_done, name="hudong_done"),
    path("hudong/track/", interaction_views.hudong_track, name="hudong_track"),
    path("hudong/status/", interaction_views.hudong_status, name="hudong_status"),
]
