"""Market API: pre_announcements."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
