"""OpenAPI declarations the market's serializers cannot say themselves: answers of one of several shapes."""

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from market.serializers_supply import SupplyFullOutput, SupplyPublicOutput


class SupplyDetailOutput(serializers.Serializer):
    """A listing's GET: SupplyFull for its owner and the reviewers in scope, SupplyPublic for anyone else."""

    class Meta:
        ref_name = "SupplyDetail"


class SupplyDetailSchema(OpenApiSerializerExtension):
    """anyOf, not oneOf: a full answer is also a valid public one (it only adds fields)."""

    target_class = SupplyDetailOutput

    def map_serializer(self, auto_schema: AutoSchema, direction: Any) -> dict[str, Any]:
        shapes = (SupplyFullOutput, SupplyPublicOutput)
        return {"anyOf": [auto_schema.resolve_serializer(shape, direction).ref for shape in shapes]}
