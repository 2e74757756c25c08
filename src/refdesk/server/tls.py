"""A local certificate authority and a localhost certificate for ``refdesk serve``.

Created once in ``<data_dir>/tls/`` and reused on later starts: ``ca.pem`` (trust this one),
``ca-key.pem`` (0600), ``localhost.pem`` and ``localhost-key.pem`` (0600). The server
certificate names ``localhost``, ``127.0.0.1`` and ``::1``; it is renewed from the same CA when
it nears expiry or no longer matches the CA, so a client that trusts ``ca.pem`` keeps working.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from refdesk.server.files import private_dir

CA_VALIDITY = timedelta(days=3650)
# 397 days: the longest lifetime browsers accept for a server certificate.
SERVER_VALIDITY = timedelta(days=397)
RENEW_BEFORE = timedelta(days=30)
DNS_NAMES = ("localhost",)
IP_ADDRESSES = ("127.0.0.1", "::1")


@dataclass(frozen=True)
class LocalTls:
    ca_cert: Path
    ca_key: Path
    cert: Path
    key: Path


def tls_paths(data_dir: Path) -> LocalTls:
    folder = data_dir / "tls"
    return LocalTls(
        ca_cert=folder / "ca.pem",
        ca_key=folder / "ca-key.pem",
        cert=folder / "localhost.pem",
        key=folder / "localhost-key.pem",
    )


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write via a temporary file and rename, so a crash never leaves half a PEM file."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _new_ca(paths: LocalTls, now: datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "refdesk"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"refdesk local CA ({socket.gethostname()})"),
        ]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    private_dir(paths.ca_key.parent)
    _write(paths.ca_key, _key_pem(key), 0o600)
    _write(paths.ca_cert, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return cert, key


def _new_server_cert(
    paths: LocalTls, ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey, now: datetime
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(n) for n in DNS_NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(a)) for a in IP_ADDRESSES]
    ca_ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "refdesk"),
                    x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
                ]
            )
        )
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(min(now + SERVER_VALIDITY, ca.not_valid_after_utc))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write(paths.key, _key_pem(key), 0o600)
    _write(paths.cert, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def _load_ca(paths: LocalTls, now: datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """The existing CA if both files are readable and it is still valid for a while."""
    if not (paths.ca_cert.exists() and paths.ca_key.exists()):
        return _new_ca(paths, now)
    try:
        cert = x509.load_pem_x509_certificate(paths.ca_cert.read_bytes())
        key = serialization.load_pem_private_key(paths.ca_key.read_bytes(), password=None)
    except ValueError:
        return _new_ca(paths, now)
    if (
        not isinstance(key, ec.EllipticCurvePrivateKey)
        or cert.public_key() != key.public_key()
        or cert.not_valid_after_utc - RENEW_BEFORE < now
    ):
        return _new_ca(paths, now)
    return cert, key


def _server_cert_usable(paths: LocalTls, ca: x509.Certificate, now: datetime) -> bool:
    if not (paths.cert.exists() and paths.key.exists()):
        return False
    try:
        cert = x509.load_pem_x509_certificate(paths.cert.read_bytes())
        key = serialization.load_pem_private_key(paths.key.read_bytes(), password=None)
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return cert.public_key() == key.public_key() and cert.not_valid_after_utc - RENEW_BEFORE > now


def ensure_local_tls(data_dir: Path) -> LocalTls:
    """Create (first start) or reuse the local CA and the localhost certificate."""
    paths = tls_paths(data_dir)
    now = datetime.now(UTC)
    ca, ca_key = _load_ca(paths, now)
    if not _server_cert_usable(paths, ca, now):
        _new_server_cert(paths, ca, ca_key, now)
    # Keys stay private even if an earlier version or a copy loosened the mode.
    for key_path in (paths.ca_key, paths.key):
        os.chmod(key_path, 0o600)
    return paths
