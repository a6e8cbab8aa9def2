"""My messages (我的消息)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
