"""Geo API routes under /api/geo/."""

from django.urls import URLPattern, URLResolver

app_name = "geo"
urlpatterns: list[URLPattern | URLResolver] = []
