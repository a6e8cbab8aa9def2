"""Search API routes under /api/search/."""

from django.urls import URLPattern, path

from search.api import DemandSearchApi, SearchAutocompleteApi, SupplySearchApi
from search.api_notices import NoticeSearchApi

app_name = "search"
urlpatterns: list[URLPattern] = [
    path("supply", SupplySearchApi.as_view(), name="supply"),
    path("demand", DemandSearchApi.as_view(), name="demand"),
    path("notices", NoticeSearchApi.as_view(), name="notices"),
    path("autocomplete", SearchAutocompleteApi.as_view(), name="autocomplete"),
]
