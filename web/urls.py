"""Page routes."""

from django.urls import path

from web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("geo/imports/", views.geo_import, name="geo-import"),
]
