"""The subject DN comparisons of the client-x509 authenticator (oauth/client_x509.py): the DN as Java prints it
for the regular expression, and the name comparison of ``x509.allow.regex.pattern.comparison=false`` (Bouncy
Castle's X500Name: attribute by attribute, case and spacing aside, in either order)."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from doorkeep.oauth.client_x509 import java_dn, same_name

NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Red Hat"),
        x509.NameAttribute(NameOID.COMMON_NAME, "svc, the first"),
        x509.NameAttribute(NameOID.EMAIL_ADDRESS, "svc@example.org"),
    ]
)
MULTI = x509.Name(
    [
        x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.COUNTRY_NAME, "US")]),
        x509.RelativeDistinguishedName(
            [x509.NameAttribute(NameOID.COMMON_NAME, "a"), x509.NameAttribute(NameOID.USER_ID, "b")]
        ),
    ]
)


def test_java_prints_the_most_specific_rdn_first_and_quotes_special_values() -> None:
    assert java_dn(NAME) == 'EMAILADDRESS=svc@example.org, CN="svc, the first", O=Red Hat, C=US'


@pytest.mark.parametrize(
    "expected",
    [
        'EMAILADDRESS=svc@example.org, CN="svc, the first", O=Red Hat, C=US',
        r"E=SVC@example.org,CN=svc\, the first,O=red   hat,C=us",  # BCStyle names, escaped comma, case and spaces
        r"C=US,O=Red Hat,CN=svc\, the first,1.2.840.113549.1.9.1=svc@example.org",  # DER order, a dotted OID
        r"OID.2.5.4.6=#13025553,O=Red Hat,CN=svc\, the first,EMAILADDRESS=svc@example.org",  # #hex DER value
    ],
)
def test_the_same_name_in_other_spellings(expected: str) -> None:
    assert same_name(NAME, expected)


@pytest.mark.parametrize(
    "expected",
    [
        "EMAILADDRESS=svc@example.org, CN=svc, O=Red Hat, C=US",  # the unescaped comma splits the CN
        'EMAILADDRESS=svc@example.org, CN="svc, the first", O=Red Hat',  # an RDN short
        'CN="svc, the first", EMAILADDRESS=svc@example.org, O=Red Hat, C=US',  # neither order
        'NOSUCHNAME=x, CN="svc, the first", O=Red Hat, C=US',
        "C=#zz, O=Red Hat",  # not hex
        "C=#0c, O=Red Hat",  # truncated DER
        "",
    ],
)
def test_another_name_or_an_unreadable_one_is_not_the_same(expected: str) -> None:
    assert not same_name(NAME, expected)


def test_a_multi_valued_rdn_compares_as_a_set() -> None:
    assert java_dn(MULTI) == "CN=a + UID=b, C=US"
    assert same_name(MULTI, "UID=b+CN=a,C=US") and not same_name(MULTI, "CN=a,UID=b,C=US")
