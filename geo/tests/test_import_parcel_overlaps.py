"""A parcel import names the file's parcels that overlap stored parcels of other codes (a warning, not a refusal)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from geo.importers.loader import ImportOptions
from geo.importers.runner import import_path
from geo.models import Parcel
from geo.tests.factories import box, parcel_create
from geo.tests.gisfiles import square, write_geojson

pytestmark = pytest.mark.django_db


def test_a_parcel_overlapping_a_stored_one_is_imported_with_a_warning_naming_both_codes(tmp_path):
    parcel_create(code="STORED-1", geometry=box(104.0, 30.0, 104.001, 30.001))  # about 96 m × 111 m
    parcel_create(code="STORED-2", geometry=box(104.01, 30.0, 104.011, 30.001))
    # NEW-1 covers the east half of STORED-1 (about 48 m × 111 m); NEW-2 only touches STORED-2 along its west edge.
    path = write_geojson(
        tmp_path / "zd.geojson",
        [square(104.0005, 30.0, 0.001), square(104.011, 30.0, 0.001)],
        {"code": ["NEW-1", "NEW-2"]},
    )

    [report] = import_path(kind="parcels", path=path, options=ImportOptions())

    assert report.ok, report.error
    assert report.inserted == 2
    assert Parcel.objects.filter(code__in=["NEW-1", "NEW-2"]).count() == 2
    [warning] = [w for w in report.warnings if "NEW-1 / STORED-1" in w]
    assert warning.startswith("1 overlaps")
    assert "STORED-2" not in warning  # sharing a border is no overlap


def test_the_overlap_check_is_one_query_however_many_parcels(tmp_path):
    parcel_create(code="STORED-1", geometry=box(104.0, 30.0, 104.001, 30.001))
    squares = [square(104.0 + i * 0.00004, 30.0, 0.001) for i in range(20)]  # each overlaps STORED-1
    path = write_geojson(tmp_path / "zd.geojson", squares, {"code": [f"NEW-{i:02}" for i in range(20)]})

    with CaptureQueriesContext(connection) as queries:
        [report] = import_path(kind="parcels", path=path, options=ImportOptions())

    assert report.ok, report.error
    assert sum("ST_Intersection" in query["sql"] for query in queries.captured_queries) == 1
    [warning] = [w for w in report.warnings if "STORED-1" in w]
    assert warning.startswith("20 overlaps")
    assert warning.endswith("NEW-04 / STORED-1 and 15 more")  # five pairs named, the rest counted
