"""Put this folder on PYTHONPATH to make any network connection in the process fail loudly."""

import socket


class _NoNetwork(OSError):
    pass


def _refuse(*args, **kwargs):
    raise _NoNetwork("network access attempted during a mantracheck test")


socket.socket.connect = _refuse  # type: ignore[method-assign]
socket.socket.connect_ex = _refuse  # type: ignore[method-assign]
socket.create_connection = _refuse  # type: ignore[assignment]
socket.getaddrinfo = _refuse  # type: ignore[assignment]
