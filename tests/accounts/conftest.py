"""A real OpenID Connect provider on 127.0.0.1 (tests/oidc/provider.mjs, panva's oidc-provider
from npm; `make test` installs it) and the settings that point sqsadmin at it."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from bench.harness import stop_process
from queues.accounts import oidc

OIDC_DIR = Path(__file__).resolve().parent.parent / "oidc"
CLIENT_ID = "sqsadmin-tests"
CLIENT_SECRET = "test-client-secret-do-not-render"
IDP_PASSWORD = "idp-password-for-tests"
# The IdP's people: username -> their IdP groups.
IDP_USERS = {
    "ada-admin": ["sqs-admins", "staff"],
    "otto-operator": ["sqs-operators"],
    "vic-viewer": ["sqs-viewers", "staff"],
    "nils-nogroup": ["marketing"],
}


@pytest.fixture(scope="session")
def oidc_provider(live_server) -> Iterator[str]:
    """The provider's issuer URL. It accepts the live server's callback (browser tests) and the
    test client's (http://testserver)."""
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("tests/oidc/node_modules is missing: `make test` runs npm ci there")
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: the single sign-on tests need Node.js 20+")
    callback = "/accounts/oidc/callback/"
    config = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{live_server.url}{callback}", f"http://testserver{callback}"],
        "users": [
            {"username": name, "password": IDP_PASSWORD, "groups": groups}
            for name, groups in IDP_USERS.items()
        ],
    }
    process = subprocess.Popen(
        [node, "provider.mjs"],
        cwd=OIDC_DIR,
        env={**os.environ, "SQSADMIN_TEST_OIDC": json.dumps(config)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        issuer = ""
        deadline = time.monotonic() + 20
        while not issuer and time.monotonic() < deadline:
            ready, _, _ = select.select([process.stdout], [], [], 0.5)
            if ready:
                line = process.stdout.readline()
                if not line:
                    break
                if line.startswith("listening "):
                    issuer = line.split()[1]
        if not issuer:
            pytest.fail(f"the test OIDC provider did not start (exit code {process.poll()})")
        yield issuer
    finally:
        stop_process(process, timeout=10)


@pytest.fixture
def sso(settings, oidc_provider) -> str:
    """sqsadmin set up for single sign-on at the test provider, as the environment would."""
    settings.SSO_ENABLED = True
    settings.ROOT_URLCONF = "tests.accounts.sso_urls"
    settings.OIDC_ISSUER = oidc_provider
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "Test IdP"
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_ADMIN_GROUPS = ["sqs-admins"]
    settings.OIDC_OPERATOR_GROUPS = ["sqs-operators"]
    settings.OIDC_VIEWER_GROUPS = ["sqs-viewers"]
    settings.AUTHENTICATION_BACKENDS = [
        "queues.accounts.lockout.LockoutBackend",
        "queues.accounts.oidc.RoleMappingBackend",
        "queues.accounts.backends.ModelBackend",
    ]
    oidc.discover.cache_clear()
    yield oidc_provider
    oidc.discover.cache_clear()


def sign_in_at_idp(authorize_url: str, username: str, password: str = IDP_PASSWORD) -> str:
    """Follow the IdP's pages as a browser would, up to the redirect back to sqsadmin; returns
    that callback URL (with code and state)."""
    idp = requests.Session()
    url = authorize_url
    for _ in range(10):
        response = idp.get(url, allow_redirects=False, timeout=10)
        if "/interaction/" in urlsplit(url).path and response.status_code == 200:
            response = idp.post(
                f"{url.rstrip('/')}/login",
                data={"login": username, "password": password},
                allow_redirects=False,
                timeout=10,
            )
            if response.status_code == 200:
                raise AssertionError(f"the IdP refused the sign-in: {response.text[:200]}")
        assert response.status_code in (302, 303), (response.status_code, response.text[:300])
        url = urljoin(url, response.headers["Location"])
        if urlsplit(url).path == "/accounts/oidc/callback/":
            return url
    raise AssertionError("the IdP never sent the browser back")


@pytest.fixture
def sso_sign_in(client, sso):
    """Sign in through the IdP with the Django test client; returns the callback's response."""

    def sign_in(username: str, password: str = IDP_PASSWORD, next_url: str = ""):
        start = client.get("/accounts/oidc/start/" + (f"?next={next_url}" if next_url else ""))
        assert start.status_code == 302, start
        assert start.url.startswith(sso)
        callback = sign_in_at_idp(start.url, username, password)
        parts = urlsplit(callback)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        return client.get(parts.path, query)

    return sign_in
