"""A real ASGI server for tests that need streaming (Server-Sent Events): uvicorn in a thread of the test process,
serving the project's ASGI application (config/asgi.py) on the test database. Django's `live_server` is WSGI and
cannot stream.

The thread shares the process, so `core.clock.shifted` applies to the server too. Tests that use it need
`pytest.mark.django_db(transaction=True)`: the server's threads see only committed data."""

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from config.asgi import application  # as uvicorn serves it: the live channel's path beside Django


@pytest.fixture(scope="module")
def asgi_host() -> Iterator[str]:
    """The running server's `host:port` (for http.client); it stops after the module's tests."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    while not instance.started:
        time.sleep(0.05)
    yield f"127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def asgi_server(asgi_host: str) -> str:
    """The running server's base URL, "http://127.0.0.1:<port>" (for a browser)."""
    return f"http://{asgi_host}"
