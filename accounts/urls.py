"""Account API routes."""

from django.urls import path

from accounts.api import MeApi, TokenObtainApi

app_name = "accounts"
urlpatterns = [
    path("token/", TokenObtainApi.as_view(), name="token-obtain"),
    path("me/", MeApi.as_view(), name="me"),
]
