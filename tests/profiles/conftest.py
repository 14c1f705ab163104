"""Fixtures for credential profiles: a test CA, client certificates, and a fake IAM Roles Anywhere
CreateSession endpoint over TLS on 127.0.0.1 that checks the SigV4-X509 signature it receives."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import secrets
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from .pki import ACCOUNT, Issued, issue, make_ca

_AUTH = re.compile(
    r"^(?P<algorithm>AWS4-X509-(?:RSA|ECDSA)-SHA256) Credential=(?P<serial>\d+)/(?P<scope>[^,]+), "
    r"SignedHeaders=(?P<signed>[^,]+), Signature=(?P<signature>[0-9a-f]+)$"
)


@dataclass
class FakeRolesAnywhere:
    endpoint: str  # host:port, as AWS_ROLESANYWHERE_ENDPOINT takes it
    ca_bundle: str
    ca: Issued
    sessions: list[dict] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _verify(headers, method: str, path: str, body: bytes, ca: Issued) -> tuple[str, dict]:
    """Check a CreateSession request as AWS documents it; return an error or the parsed parts."""
    match = _AUTH.match(headers.get("Authorization", ""))
    if not match:
        return "malformed Authorization header", {}
    der = headers.get("X-Amz-X509", "")
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(der))
        certificate.verify_directly_issued_by(ca.certificate)
    except (ValueError, InvalidSignature, TypeError):
        return "certificate not issued by the trust anchor", {}
    if match["serial"] != str(certificate.serial_number):
        return "Credential does not name the certificate's serial number", {}
    signed = match["signed"].split(";")
    canonical_headers = "".join(f"{name}:{' '.join(headers[name].split())}\n" for name in signed)
    canonical = "\n".join(
        [method, path, "", canonical_headers, match["signed"], hashlib.sha256(body).hexdigest()]
    )
    to_sign = "\n".join(
        [
            match["algorithm"],
            headers["X-Amz-Date"],
            match["scope"],
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    public_key = certificate.public_key()
    signature = bytes.fromhex(match["signature"])
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, to_sign.encode(), padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, to_sign.encode(), ec.ECDSA(hashes.SHA256()))
        else:
            return "unsupported key type", {}
    except InvalidSignature:
        return "signature does not verify with the certificate's public key", {}
    return "", {"algorithm": match["algorithm"], "signed_headers": signed, "scope": match["scope"]}


@pytest.fixture(scope="session")
def test_ca() -> Issued:
    return make_ca()


@pytest.fixture(scope="session")
def client_cert(test_ca: Issued) -> Issued:
    return issue(test_ca, "workload.sqsadmin.test")


@pytest.fixture
def fake_rolesanywhere(test_ca: Issued, tmp_path: Path, settings) -> Iterator[FakeRolesAnywhere]:
    """A TLS CreateSession endpoint on 127.0.0.1 (port 0), trusted through a CA bundle setting."""
    server_cert = issue(test_ca, "127.0.0.1", server_ip="127.0.0.1")
    cert_file, key_file, ca_file = (tmp_path / n for n in ("server.pem", "server.key", "ca.pem"))
    cert_file.write_text(server_cert.certificate_pem)
    key_file.write_text(server_cert.key_pem())
    ca_file.write_text(test_ca.certificate_pem)
    state = FakeRolesAnywhere(endpoint="", ca_bundle=str(ca_file), ca=test_ca)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _answer(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path != "/sessions":
                self._answer(404, {"message": "not found"})
                return
            problem, parts = _verify(self.headers, "POST", self.path, body, test_ca)
            if problem:
                state.failures.append(problem)
                self._answer(403, {"message": f"AccessDeniedException: {problem}"})
                return
            request = json.loads(body)
            state.sessions.append({**parts, "body": request, "headers": dict(self.headers)})
            expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=request["durationSeconds"])
            self._answer(
                201,
                {
                    "credentialSet": [
                        {
                            "assumedRoleUser": {
                                "arn": f"{request['roleArn']}/session",
                                "assumedRoleId": "AROAFAKE:session",
                            },
                            "credentials": {
                                "accessKeyId": "ASIA" + secrets.token_hex(8).upper(),
                                "secretAccessKey": secrets.token_urlsafe(30),
                                "sessionToken": secrets.token_urlsafe(60),
                                "expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
                            },
                            "roleArn": request["roleArn"],
                        }
                    ],
                    "subjectArn": f"arn:aws:rolesanywhere:us-east-1:{ACCOUNT}:subject/fake",
                },
            )

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    state.endpoint = f"{host}:{port}"
    settings.AWS_ROLESANYWHERE_ENDPOINT = state.endpoint
    settings.AWS_ROLESANYWHERE_CA_BUNDLE = state.ca_bundle
    yield state
    server.shutdown()
    server.server_close()
