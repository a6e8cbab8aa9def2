"""uploads_atomic: the files a failed transaction stored are deleted with it; a committed one keeps them."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from core.tests.samples import pdf_bytes
from core.uploads import uploads_atomic

pytestmark = pytest.mark.django_db
OPTIONS = {"types": frozenset({"pdf"}), "max_bytes": 1024 * 1024, "folder": "checks"}


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("a.pdf", pdf_bytes(), content_type="application/pdf")


def refused_after_storing(seen: list[str]) -> None:
    with uploads_atomic() as store:
        stored = store(upload(), **OPTIONS)
        seen.append(stored.name)
        assert default_storage.exists(stored.name)
        raise RuntimeError("the service refused after storing")


def test_a_failed_transaction_deletes_what_it_stored_and_a_committed_one_keeps_it(tmp_path: Path):
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        seen: list[str] = []
        with pytest.raises(RuntimeError):
            refused_after_storing(seen)
        assert seen
        assert not default_storage.exists(seen[0])

        with uploads_atomic() as store:
            kept = store(upload(), **OPTIONS)
        assert default_storage.exists(kept.name)
        assert kept.document_fields()["sha256"] == kept.sha256
