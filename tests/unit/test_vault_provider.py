"""Keycloak's vault (doorkeep.vault): DefaultVaultTranscriber's ``${vault.<key>}`` syntax, the key resolvers of
AbstractVaultProviderFactory, FilesPlainTextVaultProvider's confinement to its directory, the keystore vault's
PKCS12 secret entries (a file ``keytool -importpass`` wrote), and the server options that configure them."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from doorkeep import app, cli, vault
from doorkeep.admin import pkcs12_files
from doorkeep.clock import SystemClock
from doorkeep.email import smtp
from doorkeep.settings import Settings
from doorkeep.vault import RealmVault, Vault, VaultConfigError

KEYSTORE = Path(__file__).parent.parent / "fixtures" / "vault-keystore.p12"  # alias test_smtp__secret, storepass1


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("${vault.smtp_secret}", "smtp_secret"),
        ("${vault.a}b}", "a}b"),  # the lazy group still has to reach the end: the last } closes
        ("${vault.with space}", "with space"),
        ("${vault.}", None),
        ("${vault.x", None),
        (" ${vault.x}", None),
        ("${vault.x} ", None),
        ("${VAULT.x}", None),
        ("$vault.x", None),
        ("plain", None),
        (None, None),
    ],
)
def test_only_a_whole_vault_expression_names_a_key(value: str | None, key: str | None) -> None:
    assert vault.reference_key(value) == key


def test_the_resolvers_name_entries_as_keycloak_does() -> None:
    """REALM_UNDERSCORE_KEY doubles an underscore in realm and key; KEY_ONLY doubles it in the key and ignores the
    realm; REALM_FILESEPARATOR_KEY joins them with ``/`` as they are."""
    assert vault.RESOLVERS["REALM_UNDERSCORE_KEY"]("my_realm", "smtp_key") == "my__realm_smtp__key"
    assert vault.RESOLVERS["KEY_ONLY"]("my_realm", "smtp_key") == "smtp__key"
    assert vault.RESOLVERS["REALM_FILESEPARATOR_KEY"]("my_realm", "smtp_key") == "my_realm/smtp_key"


def test_resolver_names_are_trimmed_any_case_and_unknown_ones_skipped() -> None:
    assert vault.resolvers_named(None) == ("REALM_UNDERSCORE_KEY",)
    assert vault.resolvers_named(" key_only , nope,REALM_FILESEPARATOR_KEY") == ("KEY_ONLY", "REALM_FILESEPARATOR_KEY")
    for names in ("nope", "FACTORY_PROVIDED", ""):  # the built-in factories provide no resolver of their own
        with pytest.raises(VaultConfigError, match="all provided key resolvers are invalid"):
            vault.resolvers_named(names)


def _files(tmp_path: Path, *resolvers: str) -> Vault:
    return Vault("file", directory=tmp_path, resolvers=resolvers or vault.DEFAULT_RESOLVERS)


def test_a_file_entry_is_its_bytes_as_they_are_and_the_first_resolver_that_finds_one_wins(tmp_path: Path) -> None:
    (tmp_path / "smtp__key").write_bytes("shared pässword\n".encode())
    (tmp_path / "test_smtp__key").write_bytes(b"realm's")
    both = _files(tmp_path, "KEY_ONLY", "REALM_UNDERSCORE_KEY")
    assert both.secret("test", "${vault.smtp_key}") == "shared pässword\n"
    assert _files(tmp_path, "REALM_UNDERSCORE_KEY", "KEY_ONLY").secret("test", "${vault.smtp_key}") == "realm's"
    assert both.secret("other", "${vault.missing}") is None
    assert both.secret("test", "literal") == "literal" and both.secret("test", None) is None


def test_the_realm_folder_resolver_reads_under_the_realms_directory(tmp_path: Path) -> None:
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "key").write_bytes(b"in the folder")
    assert _files(tmp_path, "REALM_FILESEPARATOR_KEY").secret("test", "${vault.key}") == "in the folder"


@pytest.mark.parametrize("key", ["../outside", "sub/inner", "..", "."])
def test_a_key_that_would_leave_the_vault_reads_nothing(tmp_path: Path, key: str) -> None:
    """AbstractVaultProvider.validate refuses a key holding the file separator; FilesPlainTextVaultProvider a name
    whose parent is not the vault directory. Every resolver is validated before any is read."""
    inner = tmp_path / "vault"
    (inner / "sub").mkdir(parents=True)
    (inner / "sub" / "inner").write_bytes(b"x")
    (tmp_path / "outside").write_bytes(b"outside")
    (inner / "__").write_bytes(b"x")
    for resolvers in (("KEY_ONLY",), ("REALM_FILESEPARATOR_KEY",), ("KEY_ONLY", "REALM_UNDERSCORE_KEY")):
        assert _files(inner, *resolvers).secret("test", "${vault." + key + "}") is None


def test_a_realm_name_with_a_dot_dot_cannot_climb_with_the_folder_resolver(tmp_path: Path) -> None:
    (tmp_path / "key").write_bytes(b"top")
    assert _files(tmp_path / "v", "REALM_FILESEPARATOR_KEY").secret("..", "${vault.key}") is None


def test_no_vault_resolves_every_reference_to_nothing() -> None:
    assert vault.NONE.secret("test", "${vault.key}") is None
    assert vault.NONE.secret("test", "literal") == "literal"
    assert vault.NONE.secret_or_stored("test", "${vault.key}") == "${vault.key}"  # Keycloak's orElse(stored)


def test_the_keystore_vault_reads_a_secret_entry_of_a_keytool_importpass_keystore() -> None:
    keystore = Vault("keystore", keystore=KEYSTORE, keystore_password="storepass1")
    assert keystore.secret("test", "${vault.smtp_secret}") == "keystore-secret-1"
    assert keystore.secret("test", "${vault.other}") is None
    assert (
        Vault("keystore", keystore=KEYSTORE, keystore_password="wrong").secret("test", "${vault.smtp_secret}") is None
    )


def test_a_failed_look_up_logs_the_key_never_a_secret(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "test_there").write_bytes(b"s3cr3t-value")
    files = _files(tmp_path, "KEY_ONLY", "REALM_UNDERSCORE_KEY")
    with caplog.at_level(logging.DEBUG, logger="doorkeep.vault"):
        assert files.secret("test", "${vault.there}") == "s3cr3t-value"
        assert files.secret("test", "${vault.gone}") is None
    assert "s3cr3t-value" not in caplog.text and "gone" in caplog.text


def test_configured_refuses_what_keycloak_refuses_at_start(tmp_path: Path) -> None:
    assert vault.configured(None, str(tmp_path), None, None, None, None) is vault.NONE
    assert vault.configured("file", None, None, None, None, None) is vault.NONE  # "not configured": no vault
    with pytest.raises(VaultConfigError, match="directory doesn't exist"):
        vault.configured("file", str(tmp_path / "absent"), None, None, None, None)
    with pytest.raises(VaultConfigError, match="does not exist on the path"):
        vault.configured("keystore", None, str(tmp_path / "absent.p12"), "pw", None, None)
    with pytest.raises(VaultConfigError, match="PKCS12"):
        vault.configured("keystore", None, str(KEYSTORE), "pw", "JCEKS", None)
    made = vault.configured("keystore", None, str(KEYSTORE), "storepass1", "pkcs12", "KEY_ONLY")
    assert made.kind == "keystore" and made.resolvers == ("KEY_ONLY",) and "storepass1" not in repr(made)


def test_the_smtp_settings_read_their_password_and_token_secret_through_the_vault(tmp_path: Path) -> None:
    (tmp_path / "test_pw").write_bytes(b"from-vault")
    secrets = RealmVault(_files(tmp_path), "test")
    settings = {"password": "${vault.pw}", "authTokenClientSecret": "${vault.missing}", "user": "${vault.pw}"}
    assert smtp.vaulted(settings, secrets) == {
        "password": "from-vault",
        "authTokenClientSecret": "${vault.missing}",  # PasswordAuthEmailAuthenticator's orElse(stored)
        "user": "${vault.pw}",  # Keycloak reads only the secrets through the vault
    }


def _started(monkeypatch: pytest.MonkeyPatch, *args: str, env: dict[str, str] | None = None) -> Settings:
    seen: list[Settings] = []
    monkeypatch.setattr(cli, "_serve", lambda settings, **_: seen.append(settings))
    result = CliRunner().invoke(cli.main, ["start-dev", "--db-url", "sqlite:////tmp/x.db", *args], env=env or {})
    assert result.exit_code == 0, result.output
    assert "ignored" not in result.output, result.output
    return seen[0]


def test_keycloaks_vault_options_start_the_server_with_the_file_vault(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = _started(
        monkeypatch, "--vault=file", f"--vault-dir={tmp_path}", "--spi-vault--file--key-resolvers=KEY_ONLY"
    )
    made = app.build_services(SystemClock(), settings).vault
    assert made == Vault("file", directory=tmp_path.absolute(), resolvers=("KEY_ONLY",))
    legacy = _started(
        monkeypatch, "--vault", "file", "--vault-dir", str(tmp_path), "--spi-vault-file-key-resolvers", "x,KEY_ONLY"
    )
    assert legacy.configured_vault().resolvers == ("KEY_ONLY",)


def test_kc_variables_configure_the_keystore_vault(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "KC_VAULT": "keystore",
        "KC_VAULT_FILE": str(KEYSTORE),
        "KC_VAULT_PASS": "storepass1",
        "KC_VAULT_TYPE": "PKCS12",
        "KC_SPI_VAULT__KEYSTORE__KEY_RESOLVERS": "REALM_UNDERSCORE_KEY",
    }
    made = _started(monkeypatch, env=env).configured_vault()
    assert made.secret("test", "${vault.smtp_secret}") == "keystore-secret-1"


def test_a_missing_vault_directory_or_no_valid_resolver_stops_the_start(tmp_path: Path) -> None:
    runner = CliRunner()
    absent = runner.invoke(cli.main, ["start-dev", "--vault=file", f"--vault-dir={tmp_path / 'absent'}"])
    assert absent.exit_code != 0 and "directory doesn't exist" in absent.output
    bad = runner.invoke(
        cli.main, ["start-dev", "--vault=file", f"--vault-dir={tmp_path}", "--spi-vault-file-key-resolvers=NOPE"]
    )
    assert bad.exit_code != 0 and "key resolvers are invalid" in bad.output
    unknown = runner.invoke(cli.main, ["start-dev", "--vault=hashicorp"])
    assert unknown.exit_code != 0 and "hashicorp" in unknown.output


def test_the_keystore_password_is_masked_in_show_config() -> None:
    result = CliRunner().invoke(cli.main, ["show-config", "--vault=keystore", "--vault-pass=storepass1"])
    assert result.exit_code == 0 and "vault-pass = *******" in result.output, result.output
    assert "storepass1" not in result.output


def test_a_keystore_entry_is_decrypted_once_and_again_when_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keystore's PBKDF2s run once per version of the file, not at every client authentication; a rewritten
    keystore (rotation) is read again, and another password never gets a cached entry."""
    store = tmp_path / "vault.p12"
    store.write_bytes(KEYSTORE.read_bytes())
    reads: list[str] = []
    read_secret = pkcs12_files.read_secret

    def counted(data: bytes, password: str, alias: str) -> bytes | None:
        reads.append(alias)
        return read_secret(data, password, alias)

    monkeypatch.setattr(pkcs12_files, "read_secret", counted)
    keystore = Vault("keystore", keystore=store, keystore_password="storepass1")
    assert [keystore.secret("test", "${vault.smtp_secret}") for _ in range(3)] == ["keystore-secret-1"] * 3
    assert len(reads) == 1
    wrong = Vault("keystore", keystore=store, keystore_password="wrong")
    assert wrong.secret("test", "${vault.smtp_secret}") is None
    store.write_bytes(b"not a keystore")  # rewritten: another size
    assert keystore.secret("test", "${vault.smtp_secret}") is None
