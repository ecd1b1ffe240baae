"""A generated client certificate's validity, as Keycloak's KeycloakModelUtils.generateKeyPairCertificate sets it:
from 100 seconds before now until the same moment ``years`` calendar years on (``Calendar.add(YEAR, n)``)."""

from __future__ import annotations

import base64
import datetime

from cryptography import x509

from doorkeep.admin.client_certificates import generate, years_after

UTC = datetime.UTC


def test_calendar_years_keep_the_day_and_29_february_becomes_28_february() -> None:
    assert years_after(datetime.datetime(2026, 12, 2, 7, 0, tzinfo=UTC), 3) == datetime.datetime(
        2029, 12, 2, 7, 0, tzinfo=UTC
    )
    assert years_after(datetime.datetime(2028, 2, 29, tzinfo=UTC), 1) == datetime.datetime(2029, 2, 28, tzinfo=UTC)
    assert years_after(datetime.datetime(2028, 2, 29, tzinfo=UTC), 4) == datetime.datetime(2032, 2, 29, tzinfo=UTC)


def test_a_generated_certificate_starts_100_seconds_ago_and_ends_whole_years_on() -> None:
    now = int(datetime.datetime(2027, 3, 1, 12, tzinfo=UTC).timestamp())  # three years on crosses 29 February 2028
    pair = generate("app", now, key_size=2048, years=3)
    cert = x509.load_der_x509_certificate(base64.b64decode(pair.certificate))
    assert cert.not_valid_before_utc == datetime.datetime(2027, 3, 1, 11, 58, 20, tzinfo=UTC)
    assert cert.not_valid_after_utc == datetime.datetime(2030, 3, 1, 12, tzinfo=UTC)
