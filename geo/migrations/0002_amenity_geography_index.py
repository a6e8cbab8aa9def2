from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]

    operations = [
        # Radius filters (ST_DWithin) and nearest-first ordering (<->) in metres on amenities; Django's
        # geography fields allow only SRID 4326, so the index on the cast is created here.
        migrations.RunSQL(
            "CREATE INDEX geo_amenity_geog_gist ON geo_amenity USING gist ((location::geography));",
            "DROP INDEX geo_amenity_geog_gist;",
        ),
    ]
