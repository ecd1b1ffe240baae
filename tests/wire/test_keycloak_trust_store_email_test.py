"""Keycloak's old-testsuite account/TrustStoreEmailTest over HTTP: the realm's SMTP server speaks TLS from the start
(``ssl``), the realm verifies e-mails, and ``test-user@localhost`` (``user1`` here) signs in. With a certificate
the server trusts (Keycloak's truststore; here a CA of the test's own that the process's OpenSSL is pointed at
through ``SSL_CERT_FILE``), the verification mail arrives and its link lets the login go on; with a certificate
nobody vouches for, no mail goes out.

Beside the class: the same refusal over STARTTLS, and for a certificate issued by the trusted CA to another host
name (the host name is checked too). Keycloak's page no longer shows "Failed to send email, please try again
later." there (VerifyEmail.sendVerifyEmail catches the failure and shows the verify-email page). The account
console's sign-out and second login of the Java test are the login's code and a token here."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from browser_flow import code_from, exchange, start, submit
from flow_builder import events
from mail_sink import Sink, free_port
from support import seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
VERIFY_PAGE = "You need to verify your email address to activate your account."
NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: tuple[str, ec.EllipticCurvePrivateKey] | None, host: str
) -> x509.Certificate:
    """A certificate for ``host`` (an IP address SAN), signed by ``issuer`` (None: itself, a CA)."""
    signer_name, signer_key = issuer or (subject, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(signer_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - datetime.timedelta(days=1))
        .not_valid_after(NOW + datetime.timedelta(days=3650))
    )
    if issuer is None:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
    else:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False
        )
    return builder.sign(signer_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def server_context(tmp: Path, *, trusted_ca: bool, host: str = "127.0.0.1") -> tuple[ssl.SSLContext, Path]:
    """The mail server's TLS context and the CA file the server (Doorkeep) is given: the CA that issued the mail
    server's certificate (``trusted_ca``), or another CA (the mail server's certificate then vouched for by none)."""
    ca_key, other_key, server_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = _certificate("Test CA", ca_key, None, host)
    other = _certificate("Other CA", other_key, None, host)
    server = _certificate("mail", server_key, ("Test CA", ca_key), host)
    (tmp / "server.pem").write_bytes(_pem(server))
    (tmp / "server.key").write_bytes(_key_pem(server_key))
    (tmp / "ca.pem").write_bytes(_pem(ca if trusted_ca else other))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp / "server.pem", tmp / "server.key")
    return context, tmp / "ca.pem"


@pytest.fixture
def tls_mail(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sink]:
    """An SMTP server (mail_sink's) on TLS, implicit (``param`` "ssl") or by STARTTLS ("starttls"), its certificate
    from the test's CA; the process trusts that CA (``trusted``) or another one."""
    from aiosmtpd.controller import Controller

    mode, trusted, host = request.param
    context, ca_file = server_context(tmp_path, trusted_ca=trusted, host=host)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # the server's truststore: nothing else is trusted
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    sink = Sink(port=free_port())
    tls = {"ssl_context": context} if mode == "ssl" else {"tls_context": context, "require_starttls": True}
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port, **tls)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


async def realm_with(env: Env, sink: Sink, mode: str) -> None:
    """``configureTestRealm``: the SMTP server on TLS, e-mails verified; user1 unverified."""
    await seed_realm(env.db, env.clock, events_enabled=True, verify_email=True)
    await update_realm(env.db, "test", smtp_server=sink.settings(**{mode: "true"}))
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1", email_verified=False)


@pytest.mark.parametrize("tls_mail", [("ssl", True, "127.0.0.1")], indirect=True)
async def test_verify_email_with_ssl_enabled(env: Env, tls_mail: Sink) -> None:
    """TrustStoreEmailTest#verifyEmailWithSslEnabled: the page, the mail over TLS, its link signs the user in."""
    await realm_with(env, tls_mail, "ssl")
    page = await submit(env.http, await start(env.http, "test", "app"), username="user1", password="password")
    assert page.status_code == 200 and VERIFY_PAGE in page.text, page.text[:400]
    [sent] = tls_mail.received
    assert sent.recipients == ["user1@example.com"] and sent.subject == "Verify email"
    done = await env.http.get(sent.link())
    tokens = await exchange(env.http, "test", "app", code_from(done)["code"])
    assert tokens.status_code == 200, tokens.text


@pytest.mark.parametrize(
    ("tls_mail", "mode"),
    [
        (("ssl", False, "127.0.0.1"), "ssl"),
        (("starttls", False, "127.0.0.1"), "starttls"),
        (("ssl", True, "127.0.0.2"), "ssl"),
    ],
    indirect=["tls_mail"],
    ids=["ssl-untrusted", "starttls-untrusted", "ssl-other-host"],
)
async def test_verify_email_with_ssl_wrong_certificate(env: Env, tls_mail: Sink, mode: str) -> None:
    """TrustStoreEmailTest#verifyEmailWithSslWrongCertificate: the certificate is refused and no mail goes out. The
    Java class (2016) reads "Failed to send email, please try again later." on the page; Keycloak's VerifyEmail
    .sendVerifyEmail now catches the EmailException, records SEND_VERIFY_EMAIL_ERROR ``email_send_failed`` and shows
    the verify-email page all the same, as Doorkeep does."""
    await realm_with(env, tls_mail, mode)
    page = await submit(env.http, await start(env.http, "test", "app"), username="user1", password="password")
    assert page.status_code == 200 and VERIFY_PAGE in page.text, page.text[:400]
    assert tls_mail.received == []
    [failed] = await events(env, "SEND_VERIFY_EMAIL_ERROR")
    assert failed.error == "email_send_failed"
