"""The offline basemap loaded once per test session (a smaller clip than production's, for speed)."""

from pathlib import Path

import pytest
from django.conf import settings

from geo.management.commands.load_basemap import load_basemap

# Sichuan, the middle and lower Yangtze and the East China Sea (west, south, east, north degrees).
TEST_BBOX = (100.0, 20.0, 125.0, 35.0)


def basemap_load() -> dict[str, int]:
    return load_basemap(bbox=TEST_BBOX, base_dir=Path(settings.BASE_DIR))


@pytest.fixture(scope="session")
def basemap(django_db_setup, django_db_blocker) -> dict[str, int]:
    """Loaded and committed once: tests in a rolled-back transaction all see it (a flushing test would not)."""
    with django_db_blocker.unblock():
        return basemap_load()
