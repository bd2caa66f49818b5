from django.urls import path

from gongkai.portal import search_views, views

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
    path("xxgk/<slug:slug>/content/<int:pk>/", views.item, name="item"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
