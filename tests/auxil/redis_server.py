"""A real ``redis-server`` on a free 127.0.0.1 port for the tests that target Redis.

Debian's ``redis-server`` (``.ci/run`` installs it). Without it the tests skip, except
under ``CI=true``, where a missing engine is a failure rather than a silent skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.auxil.servers import free_port


def start_redis(workdir: Path, port: int) -> subprocess.Popen[bytes]:
    """Start a throwaway Redis (no persistence) and return once it answers PING."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise FileNotFoundError("redis-server")
    workdir.mkdir(parents=True, exist_ok=True)
    options = ["--bind", "127.0.0.1", "--port", str(port), "--dir", str(workdir)]
    process = subprocess.Popen(
        [binary, *options, "--save", "", "--appendonly", "no"],
        stdout=(workdir / "redis.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return process
        except OSError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"redis-server did not start; see {workdir / 'redis.log'}")


def stop_redis(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``redis://127.0.0.1:PORT/0`` of a Redis that lives for the test session."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is missing: .ci/run should have installed it")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = start_redis(tmp_path_factory.mktemp("redis"), port)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop_redis(process)
