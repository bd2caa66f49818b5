from django.urls import path

from gongkai.api import views

app_name = "api"
urlpatterns = [path("v1/search", views.search_api, name="search")]
