"""Faults end in a clear message after a bounded number of attempts: an endpoint that refuses
connections, one that never answers, throttling, expired credentials. moto cannot throttle or
expire tokens, so those two come from a small fake SQS endpoint on 127.0.0.1. Attempts are
counted, not timed: a busy machine must not fail these tests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from queues.profiles import credentials


def erroring_endpoint(code: str, message: str):
    calls = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            calls.append(self.headers.get("X-Amz-Target", ""))
            body = json.dumps({"__type": code, "message": message}).encode()
            self.send_response(400)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("x-amzn-query-error", f"{code};Sender")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, calls


@pytest.fixture
def point_at(profile, settings):
    def point(endpoint: str) -> str:
        profile.endpoint_url = endpoint
        profile.save()
        return reverse("console:queue-list", args=[profile.slug, "us-east-1"])

    return point


def attempts(profile) -> list[str]:
    """Every HTTP request the dashboard's client for this profile sends, retries included."""
    sent: list[str] = []
    client = credentials.client_for(profile, "us-east-1")
    client.meta.events.register("before-send.sqs.*", lambda request, **kw: sent.append(request.url))
    return sent


def test_a_refused_connection_is_reported_after_the_configured_attempts(
    client, viewer_user, profile, point_at, settings
):
    url = point_at("http://127.0.0.1:9")
    sent = attempts(profile)
    client.force_login(viewer_user)
    response = client.get(url)
    assert response.status_code == 503
    assert "the SQS endpoint cannot be reached" in response.content.decode()
    assert len(sent) == settings.AWS_MAX_ATTEMPTS


def test_an_endpoint_that_never_answers_is_given_up_on(
    client, viewer_user, profile, point_at, settings, silent_endpoint
):
    settings.AWS_READ_TIMEOUT = 1
    endpoint, connections = silent_endpoint
    url = point_at(endpoint)
    client.force_login(viewer_user)
    response = client.get(url)
    assert response.status_code == 503
    assert "did not answer in time" in response.content.decode()
    # One connection per attempt, each given up after the read timeout: never more.
    assert len(connections) == settings.AWS_MAX_ATTEMPTS


def test_throttling_is_retried_then_explained(client, viewer_user, point_at, settings):
    server, calls = erroring_endpoint("ThrottlingException", "Rate exceeded")
    client.force_login(viewer_user)
    try:
        response = client.get(point_at(f"http://127.0.0.1:{server.server_port}"))
    finally:
        server.shutdown()
    assert "AWS is throttling requests; wait a moment and try again" in response.content.decode()
    assert len(calls) == settings.AWS_MAX_ATTEMPTS  # botocore's standard retries tried again


def test_expired_credentials_are_named(client, viewer_user, point_at):
    server, _ = erroring_endpoint(
        "ExpiredToken", "The security token included in the request is expired"
    )
    client.force_login(viewer_user)
    try:
        response = client.get(point_at(f"http://127.0.0.1:{server.server_port}"))
    finally:
        server.shutdown()
    assert "Expired token: the credentials have expired" in response.content.decode()
