"""The local CA and localhost certificate of ``refdesk serve`` (server/tls.py)."""

from __future__ import annotations

import ipaddress
import stat
from pathlib import Path

from cryptography import x509

from refdesk.server.tls import ensure_local_tls, tls_paths


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_created_once_then_reused(tmp_path: Path) -> None:
    paths = ensure_local_tls(tmp_path)
    assert paths == tls_paths(tmp_path)
    assert paths.ca_cert == tmp_path / "tls" / "ca.pem"
    for key in (paths.ca_key, paths.key):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    files = [paths.ca_cert, paths.ca_key, paths.cert, paths.key]
    contents = [p.read_bytes() for p in files]

    ensure_local_tls(tmp_path)
    assert [p.read_bytes() for p in files] == contents


def test_server_certificate_names_localhost_and_is_issued_by_the_ca(tmp_path: Path) -> None:
    paths = ensure_local_tls(tmp_path)
    ca, cert = load(paths.ca_cert), load(paths.cert)
    cert.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert set(san.get_values_for_type(x509.IPAddress)) == {
        ipaddress.ip_address("127.0.0.1"),
        ipaddress.ip_address("::1"),
    }


def test_lost_server_certificate_is_reissued_by_the_same_ca(tmp_path: Path) -> None:
    paths = ensure_local_tls(tmp_path)
    ca_before = paths.ca_cert.read_bytes()
    cert_before = paths.cert.read_bytes()
    paths.key.unlink()
    ensure_local_tls(tmp_path)
    assert paths.ca_cert.read_bytes() == ca_before
    assert paths.cert.read_bytes() != cert_before
    load(paths.cert).verify_directly_issued_by(load(paths.ca_cert))


def test_server_certificate_of_another_ca_is_replaced(tmp_path: Path) -> None:
    other = ensure_local_tls(tmp_path / "other")
    paths = ensure_local_tls(tmp_path / "mine")
    paths.cert.write_bytes(other.cert.read_bytes())
    paths.key.write_bytes(other.key.read_bytes())
    ensure_local_tls(tmp_path / "mine")
    load(paths.cert).verify_directly_issued_by(load(paths.ca_cert))
