"""Import jobs through the API: staff upload a file, then follow its progress and read its report."""

import json

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsGisStaff, request_user
from core.errors import InvalidInput
from geo import selectors_imports, services
from geo.models import ImportJob


class ImportJobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    file = serializers.CharField()
    status = serializers.CharField()
    processed = serializers.IntegerField()
    total = serializers.IntegerField()
    current_file = serializers.CharField(allow_null=True)
    options = serializers.JSONField()
    report = serializers.JSONField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class ImportJobCreateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportJob.Kind.choices)
    file = serializers.FileField()
    options = serializers.CharField(required=False, allow_blank=True, help_text="JSON object of import options")


class ImportJobCreateApi(APIView):
    """Upload a file to import (multipart; GIS staff and administrators); the import runs in the background and
    writes nothing outside the uploader's regions."""

    permission_classes = [IsGisStaff]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ImportJobCreateInput, responses={201: ImportJobOutput})
    def post(self, request: Request) -> Response:
        data = ImportJobCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        raw = data.validated_data.get("options") or "{}"
        try:
            options = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InvalidInput(fields={"options": [{"code": "invalid", "message": str(exc)}]}) from exc
        if not isinstance(options, dict):
            raise InvalidInput(fields={"options": [{"code": "invalid", "message": "a JSON object"}]})
        job = services.import_job_create(
            kind=data.validated_data["kind"],
            upload=data.validated_data["file"],
            options=options,
            created_by=request_user(request),
        )
        return Response(ImportJobOutput(selectors_imports.import_job_state(job=job)).data, status=201)


class ImportJobDetailApi(APIView):
    """An import job with its live progress and, when finished, its report (its uploader and administrators)."""

    permission_classes = [IsGisStaff]

    @extend_schema(responses={200: ImportJobOutput})
    def get(self, request: Request, job_id: int) -> Response:
        job = selectors_imports.import_job_get(job_id=job_id, user=request_user(request))
        return Response(ImportJobOutput(selectors_imports.import_job_state(job=job)).data)
