"""The SQS server the suite runs against (moto's, or LocalStack in its lane) listens on 127.0.0.1
only: a test machine never offers an unauthenticated SQS to its network."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

LISTEN = "0A"  # the state column of /proc/net/tcp*


def _listeners(port: int) -> set[str]:
    """Addresses with a listening TCP socket on `port`, from the kernel's socket tables."""
    found = set()
    for table, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        path = Path("/proc/net") / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state != LISTEN or int(hex_port, 16) != port:
                continue
            raw = bytes.fromhex(address)
            # The kernel prints each 32-bit word in host (little-endian) order.
            words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(socket.inet_ntop(family, words))
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc/net/tcp")
def test_the_sqs_server_listens_on_loopback_only(sqs_endpoint, sqs_implementation):
    port = urlsplit(sqs_endpoint).port
    listeners = _listeners(port)
    assert listeners, f"nothing listens on port {port} ({sqs_implementation})"
    assert listeners <= {"127.0.0.1", "::ffff:127.0.0.1"}, (sqs_implementation, listeners)
