"""The HTTP server a benchmark measures: uvicorn as `make run` starts it (DEBUG off, no access log), on a free port,
returned once it answers."""

import http.client
import os
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_uvicorn(
    app: list[str],
    *,
    port: int,
    workers: int,
    env: dict[str, str],
    ready: str,
    ready_statuses: tuple[int, ...] = (200,),
) -> subprocess.Popen[bytes]:
    """uvicorn serving `app` (the application and any options of its own) with `workers` processes; waits up to a
    minute until GET `ready` answers one of `ready_statuses`."""
    command = [
        str(ROOT / ".venv" / "bin" / "uvicorn"),
        *app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", ready)
            if connection.getresponse().status in ready_statuses:
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"the server ({' '.join(app)}) did not start")
