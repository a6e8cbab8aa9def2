"""The ready rule profiles: Hainan (the default, from the seeds), Suzhou, Fujian, Shantou and Qinzhou, after their
published rules for online listing and auction of construction land use rights."""

from django.db import migrations

from auctions.presets import PRESETS

def create(apps, schema_editor):
    RuleProfile = apps.get_model("auctions", "RuleProfile")
    for name, source, parameters in PRESETS:
        RuleProfile.objects.update_or_create(name=name, is_preset=True, defaults={"source": source, **parameters})


def remove(apps, schema_editor):
    apps.get_model("auctions", "RuleProfile").objects.filter(is_preset=True, centres=None).delete()


class Migration(migrations.Migration):
    dependencies = [("auctions", "0002_immutability")]

    operations = [migrations.RunPython(create, remove)]
