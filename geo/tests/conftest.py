"""geo tests read messages in English (the msgids); requests still follow their Accept-Language."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from geo.models import Region
from geo.tests.factories import chengdu_tree


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def tree() -> dict[str, Region]:
    return chengdu_tree()
