"""OGC API - Features routes under /ogc/."""

from django.urls import URLPattern, URLResolver, path

from geo.ogc import views

app_name = "ogc"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.LandingPageApi.as_view(), name="landing"),
    path("api", views.ApiDefinitionApi.as_view(), name="api"),
    path("conformance", views.ConformanceApi.as_view(), name="conformance"),
    path("collections", views.CollectionsApi.as_view(), name="collections"),
    path("collections/<str:collection_id>", views.CollectionApi.as_view(), name="collection"),
    path("collections/<str:collection_id>/schema", views.CollectionSchemaApi.as_view(), name="schema"),
    path("collections/<str:collection_id>/items", views.ItemsApi.as_view(), name="items"),
    path("collections/<str:collection_id>/items/<str:feature_id>", views.ItemApi.as_view(), name="item"),
]
