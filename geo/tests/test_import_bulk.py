"""A first load into an empty parcel table drops and rebuilds its indexes: they must all be back afterwards."""

import pytest
import shapely
from django.db import IntegrityError, connection, transaction

from geo.importers.loader import ImportOptions
from geo.importers.runner import import_path
from geo.models import Parcel
from geo.tests.gisfiles import write_geojson

pytestmark = pytest.mark.django_db


def parcel_indexes_and_constraints() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'geo_parcel'")
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'geo_parcel'::regclass"
        )
        return indexes | {row[0] for row in cursor.fetchall()}


def test_loading_an_empty_table_keeps_every_index_and_constraint(tmp_path):
    before = parcel_indexes_and_constraints()
    squares = [shapely.box(104.0 + i * 0.01, 30.0, 104.005 + i * 0.01, 30.005) for i in range(3)]

    [report] = import_path(
        kind="parcels",
        path=write_geojson(tmp_path / "p.geojson", squares, {"code": ["A", "B", "C"]}),
        options=ImportOptions(),
    )

    assert report.ok, report.error
    assert (report.inserted, report.updated) == (3, 0)
    assert parcel_indexes_and_constraints() == before
    with transaction.atomic():  # the county foreign key is enforced again
        Parcel.objects.filter(code="A").update(region_id="999999")
        with pytest.raises(IntegrityError):
            connection.check_constraints(table_names=["geo_parcel"])
        transaction.set_rollback(True)
