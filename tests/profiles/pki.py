"""A throwaway test CA and the certificates the IAM Roles Anywhere tests need."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from queues.models import AuthMode
from tests.sqs_lanes import ACCOUNT

TRUST_ANCHOR_ARN = (
    f"arn:aws:rolesanywhere:us-east-1:{ACCOUNT}:trust-anchor/0f3a6c2e-4b1d-4e8f-9a7b-1c2d3e4f5a6b"
)
RA_PROFILE_ARN = (
    f"arn:aws:rolesanywhere:us-east-1:{ACCOUNT}:profile/7d9e8f10-2a3b-4c5d-8e9f-a0b1c2d3e4f5"
)
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/sqs-operators"


@dataclass(frozen=True)
class Issued:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def key_pem(self, passphrase: str = "") -> str:
        encryption = (
            serialization.BestAvailableEncryption(passphrase.encode())
            if passphrase
            else serialization.NoEncryption()
        )
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        ).decode()


def roles_anywhere_values(cert: Issued, passphrase: str = "") -> dict:
    """An IAM Roles Anywhere profile's values (as model fields and as form fields) for `cert`,
    its key encrypted with `passphrase` when there is one."""
    return {
        "name": "Workload",
        "auth_mode": AuthMode.ROLES_ANYWHERE,
        "region": "us-east-1",
        "trust_anchor_arn": TRUST_ANCHOR_ARN,
        "rolesanywhere_profile_arn": RA_PROFILE_ARN,
        "role_arn": ROLE_ARN,
        "certificate_pem": cert.certificate_pem,
        "private_key_pem": cert.key_pem(passphrase),
    }


def new_key(kind: str = "rsa"):
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_ca(common_name: str = "sqsadmin test CA") -> Issued:
    key = new_key()
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Issued(certificate, key)


def issue(ca: Issued, common_name: str, *, kind: str = "rsa", server_ip: str = "") -> Issued:
    key = new_key(kind)
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    if server_ip:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(server_ip))]),
            critical=False,
        )
    return Issued(builder.sign(ca.key, hashes.SHA256()), key)
