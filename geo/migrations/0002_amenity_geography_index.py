from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX geo_amenity_geog_gist ON geo_amenity USING gist ((location::geography));",
            "DROP INDEX geo_amenity_geog_gist;",
        ),
    ]
