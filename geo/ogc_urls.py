"""OGC API - Features routes under /ogc/."""

from django.urls import URLPattern, URLResolver

app_name = "ogc"
urlpatterns: list[URLPattern | URLResolver] = []
