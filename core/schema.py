"""The OpenAPI schema's AutoSchema: every operation also declares the error answers the API's layers can give."""

from typing import Any

from drf_spectacular import openapi
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticatedOrReadOnly

from core.serializers import ErrorOutput


class AutoSchema(openapi.AutoSchema):
    """Adds, unless a view declares them itself, the error body for: 400 (an operation with parameters or a body:
    validation), 401 and 403 (any permission beyond AllowAny; 403 also for a session's failed CSRF check on writes),
    404 (a path with parameters, a page past the last) and 429 (throttled)."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in sorted(self._error_codes() - responses.keys()):
            responses[code] = self._get_response_for_code(ErrorOutput, code, direction=direction)
        return responses

    def _error_codes(self) -> set[str]:
        codes = {"429"} if self.view.get_throttles() else set()
        writes = self.method not in SAFE_METHODS
        if writes or self._get_parameters():
            codes.add("400")
        if "{" in self.path or (self.method == "GET" and self._get_paginator() is not None):
            codes.add("404")  # no such object, or a page past the last
        anyone = (AllowAny,) if writes else (AllowAny, IsAuthenticatedOrReadOnly)
        if not all(isinstance(permission, anyone) for permission in self.view.get_permissions()):
            codes |= {"401", "403"}
        if writes and any(issubclass(auth, SessionAuthentication) for auth in self.view.authentication_classes):
            codes.add("403")
        return codes
