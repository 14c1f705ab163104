"""`make run` right after Ctrl-C: the embedded SQS's old connections in TIME_WAIT do not make
its port look busy, while a port someone listens on still does."""

from __future__ import annotations

import socket

import pytest

from queues.management.commands.demo import _port_free


def _port_in_time_wait() -> int:
    """A port whose server closed an accepted connection first, as a stopped server does."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = listener.accept()
    accepted.close()  # the server side closes first: its end waits in TIME_WAIT
    client.recv(1)
    client.close()
    listener.close()
    return port


def test_a_port_left_in_time_wait_is_free_for_the_demo():
    port = _port_in_time_wait()
    plain = socket.socket()
    try:
        with pytest.raises(OSError):
            plain.bind(("127.0.0.1", port))  # what the old probe did: refused
    finally:
        plain.close()
    assert _port_free(port)


def test_a_port_someone_listens_on_is_not_free():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        assert not _port_free(listener.getsockname()[1])
