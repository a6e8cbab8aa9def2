"""One error hierarchy and one error body for every API error: {"error": {"code", "message", "fields"}}."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from psycopg_pool import PoolTimeout
from redis.exceptions import RedisError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)
FieldErrors = dict[str, list[dict[str, str]]]


class ApplicationError(Exception):
    """A domain rule said no. Services raise these; the API turns them into the error body."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_message = _("The request could not be processed.")

    def __init__(self, message: Any = None, *, code: str | None = None, fields: FieldErrors | None = None):
        self.message = message if message is not None else self.default_message
        self.code = code or self.default_code
        self.fields = fields or {}
        super().__init__(str(self.message))


class InvalidInput(ApplicationError):
    default_code = "invalid"
    default_message = _("Invalid input.")


class NotFound(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_message = _("Not found.")


class PermissionDenied(ApplicationError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "permission_denied"
    default_message = _("You do not have permission to perform this action.")


class Conflict(ApplicationError):
    """The entity's current state does not allow the operation (a forbidden transition, a duplicate)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_message = _("The operation conflicts with the current state.")


class ServiceUnavailable(ApplicationError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"
    default_message = _("A service this operation needs is unavailable; try again later.")


class Busy(ServiceUnavailable):
    """Every database connection of the process stayed taken for DATABASE_POOL_TIMEOUT (a burst of requests queued
    behind one hot lot's lock): nothing was done, the client may send the same request again (a bid with the same
    client bid id). Answered with Retry-After."""

    default_code = "busy"
    default_message = _("The server is busy; send the same request again in a moment.")
    retry_after_seconds = 1


def error_body(code: str, message: Any, fields: FieldErrors | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _flatten(details: Any, prefix: str = "") -> FieldErrors:
    """DRF's nested {field: [ {message, code} ]} details as {"a.b.0": [{"code", "message"}]}."""
    out: FieldErrors = {}
    if isinstance(details, dict) and {"message", "code"} <= details.keys():
        out.setdefault(prefix or "non_field_errors", []).append(
            {"code": str(details["code"]), "message": str(details["message"])}
        )
    elif isinstance(details, dict):
        for key, value in details.items():
            name = "non_field_errors" if key in ("non_field_errors", "__all__") and not prefix else key
            out.update(_flatten(value, f"{prefix}.{name}" if prefix else str(name)))
    elif isinstance(details, list):
        leaves = all(isinstance(d, dict) and {"message", "code"} <= d.keys() for d in details)
        for index, value in enumerate(details):
            key = prefix if leaves else f"{prefix}.{index}" if prefix else str(index)
            for name, errors in _flatten(value, key).items():
                out.setdefault(name, []).extend(errors)
    return out


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every known error becomes the one body; unknown ones stay 500s."""
    if isinstance(exc, RedisError):  # the cache behind sign-in limits, captchas and SMS codes is down
        logger.error("Redis is unavailable: %s", exc)
        exc = ServiceUnavailable()
    if isinstance(exc, OperationalError) and isinstance(exc.__cause__, PoolTimeout):  # before any statement ran
        logger.warning("no database connection within the pool's timeout: %s", context.get("request"))
        busy = Response(error_body(Busy.default_code, Busy.default_message), status=Busy.status_code)
        busy["Retry-After"] = str(Busy.retry_after_seconds)
        return busy
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)  # keeps headers such as WWW-Authenticate and Retry-After
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", _("Invalid input."), _flatten(exc.get_full_details()))
    else:
        details = exc.get_full_details()
        if isinstance(details, dict) and "message" in details:
            response.data = error_body(str(details["code"]), details["message"])
        else:
            response.data = error_body(exc.default_code, exc.default_detail, _flatten(details))
    return response


def invalid_input_from(error: DjangoValidationError) -> InvalidInput:
    """A model's full_clean() refusal as the one error body: each field's messages with their codes."""
    fields: FieldErrors = {}
    by_field = error.error_dict if hasattr(error, "error_dict") else {"non_field_errors": error.error_list}
    for name, errors in by_field.items():
        key = "non_field_errors" if name == "__all__" else name
        for item in errors:
            for message in item.messages:
                fields.setdefault(key, []).append({"code": item.code or "invalid", "message": str(message)})
    return InvalidInput(fields=fields)
