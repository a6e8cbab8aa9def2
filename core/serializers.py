"""The one error body of the API (core.errors) as serializers, for the OpenAPI schema."""

from rest_framework import serializers


class ErrorFieldOutput(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorDetailOutput(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    # "fields" shadows Serializer.fields only for the type checker: DRF collects declared fields off the class.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=ErrorFieldOutput(many=True), help_text="errors by parameter name"
    )


class ErrorOutput(serializers.Serializer):
    """The one error body of the API (core.errors)."""

    error = ErrorDetailOutput()
