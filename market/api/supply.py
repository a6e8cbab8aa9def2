"""Market API: supply."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
