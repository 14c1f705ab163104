"""The instructions bench's child (bench/instructions.py), run under callgrind: the production
WSGI application in this process, each page requested a few times with its SQS calls answered
for real (recorded), then N times with the recorded answers replayed, so that what callgrind
counts is the dashboard's own work and nothing an SQS server or boto3 does.

The timed requests of each page run inside one math.fsum() call, a C function nothing else in
the dashboard calls: callgrind dumps its counts before and after it (--dump-before/--dump-after),
every thread included. The garbage collector is off during them (its full passes come every few
hundred pages and would land in one page's count); they run after a collection.

Argument: the JSON the parent wrote (environment in os.environ, as Bench set it).
"""

from __future__ import annotations

import gc
import io
import json
import math
import sys
import threading
from pathlib import Path
from urllib.parse import urlencode

from botocore.client import BaseClient

from sqsadmin.wsgi import application

_real_call = BaseClient._make_api_call
_answers: dict[tuple, dict] = {}
_replaying = threading.Event()


def _make_api_call(self, operation_name: str, api_params: dict) -> dict:
    key = (operation_name, repr(sorted(api_params.items())))
    if _replaying.is_set() and key in _answers:
        return _answers[key]
    answer = _real_call(self, operation_name, api_params)
    _answers[key] = answer
    return answer


BaseClient._make_api_call = _make_api_call


def _request(page: dict, cookies: dict[str, str]) -> tuple[str, str]:
    body = urlencode(page["data"]).encode() if page["data"] is not None else b""
    path, _, query = page["path"].partition("?")
    environ = {
        "REQUEST_METHOD": "POST" if page["data"] is not None else "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_COOKIE": "; ".join(f"{name}={value}" for name, value in cookies.items()),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
    }
    if page["data"] is not None:
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        environ["HTTP_X_CSRFTOKEN"] = cookies["csrftoken"]
    if page["htmx"] or page["data"] is not None:
        environ["HTTP_HX_REQUEST"] = "true"
    status = []
    answer = application(environ, lambda code, headers, exc_info=None: status.append(code))
    try:
        text = b"".join(answer).decode()
    finally:
        answer.close()
    return status[0], text


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    cookies, count = spec["cookies"], spec["requests"]
    for page in spec["pages"]:
        for _ in range(spec["warm"]):
            status, text = _request(page, cookies)
            if not status.startswith("200") or page["expect"] not in text:
                raise SystemExit(f"{page['path']} answered {status}: {text[:300]}")
        _replaying.set()
        _request(page, cookies)
        gc.collect()
        gc.disable()
        math.fsum((_request(page, cookies), 0.0)[1] for _ in range(count))
        gc.enable()
        _replaying.clear()
        print(page["label"], flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
