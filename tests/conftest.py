from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
NONET = Path(__file__).resolve().parent / "nonet"


def shared(*parts: str) -> Path:
    """A path under ../shared/data; skips the test cleanly when the data is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    return path


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection raises."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def run_cli(*args: str, input: str | None = None, cwd: str | Path | None = None, offline: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``python -m mantracheck`` as a real subprocess (sockets disabled by default)."""
    env = dict(os.environ)
    env.pop("CI", None)
    if offline:
        env["PYTHONPATH"] = os.pathsep.join([str(NONET), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return subprocess.run(
        [sys.executable, "-m", "mantracheck", *args],
        input=input,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )
