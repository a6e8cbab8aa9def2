"""core.net.client_address: the socket peer unless our own proxies are configured, and then never the client's
own X-Forwarded-For entries."""

import pytest
from django.test import RequestFactory


def _address(xff: str | None, peer: str = "10.0.0.2") -> str:
    from core.net import client_address

    request = RequestFactory().get("/")
    request.META["REMOTE_ADDR"] = peer
    if xff is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = xff
    return client_address(request)


@pytest.fixture
def no_proxies(settings):
    settings.TRUSTED_PROXIES = []
    settings.TRUSTED_PROXY_COUNT = 0


def test_without_configured_proxies_the_header_is_ignored(no_proxies):
    assert _address("198.51.100.7") == "10.0.0.2"
    assert _address(None) == "10.0.0.2"


def test_one_proxy_by_count_gives_the_address_it_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = []

    # the client wrote "1.1.1.1" itself; our proxy (the peer) appended the address it saw
    assert _address("1.1.1.1, 203.0.113.5") == "203.0.113.5"
    assert _address("203.0.113.5") == "203.0.113.5"


def test_trusted_networks_are_skipped_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.1"]

    assert _address("1.1.1.1, 203.0.113.5, 192.0.2.1, 10.9.9.9") == "203.0.113.5"


def test_a_peer_outside_the_trusted_networks_is_the_caller(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXIES = ["192.0.2.0/24"]

    assert _address("203.0.113.5", peer="198.51.100.9") == "198.51.100.9"


def test_a_chain_of_only_proxies_gives_its_leftmost_hop(settings):
    settings.TRUSTED_PROXY_COUNT = 3
    settings.TRUSTED_PROXIES = []

    assert _address("203.0.113.5") == "203.0.113.5"


def test_garbage_left_of_our_proxy_stops_at_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    settings.TRUSTED_PROXIES = []

    assert _address("not-an-address, 192.0.2.7") == "192.0.2.7"
