"""Real-name verification, enterprise sub-accounts and roles."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
