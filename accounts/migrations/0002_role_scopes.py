"""Roles scoped to regions: grantor, supervisor and GIS staff join; review_regions becomes every role's regions;
is_staff (the admin site's flag) is left only to administrators."""

import django.contrib.postgres.fields
from django.db import migrations, models


def staff_flag_for_administrators_only(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.exclude(role="admin").filter(is_superuser=False).update(is_staff=False)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.RenameField("user", "review_regions", "regions"),
        migrations.AlterField(
            model_name="user",
            name="regions",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=6), blank=True, default=list, size=None, verbose_name="regions"
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                choices=[
                    ("user", "user"),
                    ("reviewer", "reviewer"),
                    ("grantor", "grantor staff"),
                    ("centre_staff", "trading-centre staff"),
                    ("supervisor", "supervisor"),
                    ("gis_staff", "GIS staff"),
                    ("admin", "administrator"),
                ],
                default="user",
                max_length=16,
                verbose_name="role",
            ),
        ),
        migrations.RunPython(staff_flag_for_administrators_only, migrations.RunPython.noop),
    ]
