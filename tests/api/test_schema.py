"""The OpenAPI 3 schema and its two viewers, served without any CDN."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_describes_the_api(client: Client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/auth/token/" in schema["paths"]
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


@pytest.mark.parametrize("path", ["/api/schema/swagger-ui/", "/api/schema/redoc/"])
def test_the_schema_viewers_load_their_assets_from_our_own_static_files(client: Client, path):
    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn.jsdelivr.net" not in html


def test_the_tile_endpoints_document_every_layer_filter_and_the_layers_taking_it(client: Client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]

    for path in ("/tiles/{layer}/{z}/{x}/{y}.mvt", "/tiles/{layer}.json"):
        parameters = {p["name"]: p for p in paths[path]["get"]["parameters"] if p["in"] == "query"}
        assert {"keywords", "region", "land_use", "mode", "area_min", "price_max", "bbox", "category"} <= set(
            parameters
        )
        assert not {"sort", "page", "page_size", "after"} & set(parameters)  # a tile ignores them
    description = paths["/tiles/{layer}/{z}/{x}/{y}.mvt"]["get"]["description"]
    assert "parcels region, land_use, area_min and area_max" in description
    assert "amenities category" in description
