"""sqsadmin's WSGI application with pyinstrument around every request (the overhead bench's
PROFILE=<page>): granian serves this module instead of sqsadmin.wsgi, so the profile is of the
production setup. The samples of every request add up in one session, kept per process.

GET /__profile__ (this wrapper's own path, unknown to sqsadmin) answers the report as text and
writes it as HTML to BENCH_PROFILE_HTML; /__profile__/reset drops the samples so far (warm-up).
"""

from __future__ import annotations

import os
import threading

from pyinstrument import Profiler

from sqsadmin.wsgi import application as _django

# Requests run one at a time in the bench; the lock keeps it so if they do not.
_lock = threading.Lock()
# PROFILE_INTERVAL: seconds between samples. Sampling every 0.1 ms left this machine, in a slow
# hour, no time for the requests themselves (the first one timed out).
_profiler = Profiler(
    interval=float(os.environ.get("PROFILE_INTERVAL", "0.0005")), async_mode="disabled"
)


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path.startswith("/__profile__"):
        return _report(path, start_response)
    with _lock:
        _profiler.start()
        try:
            # Consume the body inside the profile: Django renders lazily for streamed answers.
            response = _django(environ, start_response)
            body = list(response)
            if hasattr(response, "close"):
                response.close()
        finally:
            _profiler.stop()
    return body


def _report(path: str, start_response):
    if path.endswith("/reset"):
        _profiler.reset()
        text = "reset"
    elif _profiler.last_session is None:
        text = "no samples"
    else:
        html = os.environ.get("BENCH_PROFILE_HTML")
        if html:
            _profiler.write_html(html, show_all=False)
        text = _profiler.output_text(unicode=True, color=False, show_all=False)
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [text.encode()]
