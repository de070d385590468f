"""A real `mantracheck serve` for the tests: started on a free port of 127.0.0.1, in a folder of
the test's own, waited for, and stopped."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(folder: Path, *args: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """(base URL, process) of a server started in ``folder``; stopped on exit (if still up)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mantracheck", "serve", "--port", str(port), *args],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/api/profiles", timeout=2).read()
            break
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None:
                pytest.fail(f"serve exited: {proc.stderr.read()}")
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("serve did not start in 60 s")
            time.sleep(0.3)
    try:
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=20)
