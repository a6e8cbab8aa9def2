"""Import job routes under /api/geo/imports/."""

from django.urls import path

from geo.import_api import ImportJobCreateApi, ImportJobDetailApi

app_name = "geo-imports"
urlpatterns = [
    path("", ImportJobCreateApi.as_view(), name="create"),
    path("<int:job_id>/", ImportJobDetailApi.as_view(), name="detail"),
]
