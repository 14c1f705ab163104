"""`make run`'s command as a person runs it: a fresh database, the printed login works, Ctrl-C
stops the dashboard and the embedded SQS together."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_demo_serves_a_working_login_and_stops_on_ctrl_c(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "DEBUG": "true"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    web = free_port()
    started = time.monotonic()
    demo = subprocess.Popen(
        [sys.executable, "manage.py", "demo", "--sqs-port", "0", "--addr", f"127.0.0.1:{web}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        banner = ""
        while "Stop with Ctrl-C" not in banner:
            line = demo.stdout.readline()
            assert line, f"demo exited early:\n{banner}"
            banner += line
        login = re.search(r"Login\s+(\S+) / (\S+)", banner)
        sqs = re.search(r"Embedded SQS\s+(http://127\.0\.0\.1:\d+)", banner)
        assert login and sqs, banner
        assert f"http://127.0.0.1:{web}/" in banner

        base = f"http://127.0.0.1:{web}"
        browser = requests.Session()
        for _ in range(100):
            try:
                page = browser.get(f"{base}/accounts/login/", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        assert page.status_code == 200
        assert time.monotonic() - started < 60
        token = browser.cookies["csrftoken"]
        landed = browser.post(
            f"{base}/accounts/login/",
            data={"username": login[1], "password": login[2], "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/accounts/login/"},
            timeout=30,
        )
        assert landed.url == f"{base}/p/local-demo/us-east-1/queues/"
        assert "payments.fifo" in landed.text and "orders-dlq" in landed.text
        assert requests.post(f"{sqs[1]}/", data={"Action": "ListQueues"}, timeout=5).ok
    finally:
        demo.send_signal(signal.SIGINT)
        out, _ = demo.communicate(timeout=30)
    assert demo.returncode == 0, out
    assert "Embedded SQS stopped" in out
    try:
        requests.get(f"{sqs[1]}/", timeout=2)
        still_up = True
    except requests.ConnectionError:
        still_up = False
    assert not still_up, "the embedded SQS outlived Ctrl-C"
