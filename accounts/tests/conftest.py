"""Fixtures of the accounts tests: the local CA (tests/fakes/ca.py) in a thread, and the platform trusting it."""

from collections.abc import Iterator
from typing import Any

import pytest

from accounts.models import TrustedCa
from tests.fakes.ca import FakeCa

CA_KEY_ENV = "TEST_CA_OPERATOR_KEY"


@pytest.fixture
def local_ca(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeCa]:
    """The local CA over real HTTP on 127.0.0.1; DEV_CA_URL points at it (the demo certificate's route forwards
    CSRs there) and its operator key is in TEST_CA_OPERATOR_KEY. Not trusted yet: see `trusted_ca`."""
    ca = FakeCa().start()
    monkeypatch.setenv(CA_KEY_ENV, ca.operator_key)
    settings.DEV_CA_URL = ca.url
    yield ca
    ca.stop()


@pytest.fixture
def trusted_ca(db: None, local_ca: FakeCa) -> TrustedCa:
    """The platform trusts the local CA, with its CRL and OCSP endpoints (as `manage.py ca_trust` does)."""
    from accounts.certificates import trusted_ca_save

    return trusted_ca_save(
        name=local_ca.name, pem=local_ca.certificate_pem, crl_url=local_ca.crl_url, ocsp_url=local_ca.ocsp_url
    )
