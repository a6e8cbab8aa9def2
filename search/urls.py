"""Search API routes under /api/search/."""

from django.urls import URLPattern, path

from search.api import DemandSearchApi, SearchAutocompleteApi, SupplySearchApi

app_name = "search"
urlpatterns: list[URLPattern] = [
    path("supply", SupplySearchApi.as_view(), name="supply"),
    path("demand", DemandSearchApi.as_view(), name="demand"),
    path("autocomplete", SearchAutocompleteApi.as_view(), name="autocomplete"),
]
