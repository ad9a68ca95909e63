"""Agent accounts in a real YAML file: hashing, verification, the file's errors and updates."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from bot.handoff.accounts import (
    SCRYPT_N,
    AccountsError,
    AccountsFile,
    AgentAccounts,
    add_agent,
    hash_password,
    hash_token,
    password_matches,
)


def test_a_password_hash_is_salted_scrypt_in_the_documented_format() -> None:
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first != second  # a fresh salt each time
    kind, n, r, p, salt, digest = first.split("$")
    assert (kind, int(n), int(r), int(p)) == ("scrypt", SCRYPT_N, 8, 1)
    assert len(salt) == 24 and len(digest) == 44  # 16 and 32 bytes in base64
    assert password_matches("correct horse", first) and password_matches("correct horse", second)
    assert not password_matches("correct horse!", first)


def test_a_missing_file_means_no_accounts(tmp_path: Path) -> None:
    accounts = AgentAccounts.load(tmp_path / "agents.yml")
    assert len(accounts) == 0
    assert accounts.verify_password("ana", "x") is None
    assert accounts.verify_token("x") is None


def test_added_agents_log_in_with_their_password_or_token_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "var" / "agents.yml"
    add_agent(path, "Ana M", password="s3cret pass")
    add_agent(path, "bob", token="bob-token-123")
    accounts = AgentAccounts.load(path)
    assert [account.name for account in accounts] == ["Ana M", "bob"]
    assert accounts.verify_password("Ana M", "s3cret pass") == "Ana M"
    assert accounts.verify_password("Ana M", "s3cret pas") is None
    assert accounts.verify_password("bob", "bob-token-123") is None  # a token is no password
    assert accounts.verify_token("bob-token-123") == "bob"
    assert accounts.verify_token("s3cret pass") is None
    text = path.read_text()
    assert "s3cret pass" not in text and "bob-token-123" not in text
    assert hash_token("bob-token-123") in text
    assert path.stat().st_mode & 0o077 == 0  # readable by the operator only


def test_updating_an_agent_keeps_the_others_and_what_was_not_changed(tmp_path: Path) -> None:
    path = tmp_path / "agents.yml"
    add_agent(path, "ana", password="first")
    add_agent(path, "bob", password="bobs")
    add_agent(path, "ana", token="ana-token")
    add_agent(path, "ana", password="second")
    accounts = AgentAccounts.load(path)
    assert accounts.verify_password("ana", "second") == "ana"
    assert accounts.verify_password("ana", "first") is None
    assert accounts.verify_token("ana-token") == "ana"
    assert accounts.verify_password("bob", "bobs") == "bob"


@pytest.mark.parametrize(
    ("name", "password", "token", "message"),
    [
        ("", "pw", None, "not an agent name"),
        ("ana\nroot", "pw", None, "not an agent name"),
        ("x" * 65, "pw", None, "not an agent name"),
        ("ana", None, None, "password, a token"),
        ("ana", "", None, "password is empty"),
    ],
)
def test_add_agent_refuses_what_it_cannot_store(
    tmp_path: Path, name: str, password: str | None, token: str | None, message: str
) -> None:
    with pytest.raises(AccountsError, match=message):
        add_agent(tmp_path / "agents.yml", name, password=password, token=token)
    assert not (tmp_path / "agents.yml").exists()


GOOD = hash_password("pw")


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("name: ana\n", "expected a list"),
        ("- [ana]\n", "entry 1: expected a mapping"),
        (f"- name: ana\n  password_hash: '{GOOD}'\n- {{password_hash: '{GOOD}'}}\n", "entry 2"),
        ("- name: ana\n  password_hash: md5$abc\n", "entry 1 (ana): field password_hash"),
        (
            "- name: ana\n  password_hash: scrypt$16384$8$1$!!$!!\n",
            "entry 1 (ana): field password_hash",
        ),
        (
            "- name: ana\n  password_hash: scrypt$1073741824$8$1$AAAAAAAAAAA=$"
            "AAAAAAAAAAAAAAAAAAAAAA==\n",
            "out of range",
        ),
        ("- name: ana\n  token_hash: plain-token\n", "entry 1 (ana): field token_hash"),
        ("- name: ana\n", "entry 1 (ana): needs a password_hash or a token_hash"),
        (f"- name: ana\n  password_hash: '{GOOD}'\n  role: admin\n", "unknown field 'role'"),
        (
            f"- {{name: ana, password_hash: '{GOOD}'}}\n"
            f"- {{name: ana, token_hash: '{'a' * 64}'}}\n",
            "more than once",
        ),
        ("- name: [unclosed\n", "not valid YAML"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_file_entry_and_field(
    tmp_path: Path, content: str, where: str
) -> None:
    path = tmp_path / "agents.yml"
    path.write_text(content)
    with pytest.raises(AccountsError) as error:
        AgentAccounts.load(path)
    assert str(path) in str(error.value)
    assert where in str(error.value)
    with pytest.raises(AccountsError):  # and is not overwritten by an update
        add_agent(path, "bob", password="pw")
    assert path.read_text() == content


def test_an_unknown_name_costs_a_scrypt_like_a_known_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "agents.yml"
    add_agent(path, "ana", password="pw")
    add_agent(path, "tok", token="t")
    accounts = AgentAccounts.load(path)
    accounts.verify_password("nobody", "warm-up")  # the decoy hash is made once
    calls: list[dict[str, Any]] = []
    real = hashlib.scrypt

    def counting(password: bytes, **kwargs: Any) -> bytes:
        calls.append(kwargs)
        return real(password, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    for name in ("ana", "nobody", "tok"):
        calls.clear()
        assert accounts.verify_password(name, "wrong") is None
        assert [(c["n"], c["r"], c["p"]) for c in calls] == [(SCRYPT_N, 8, 1)], name


def test_the_running_server_sees_agents_added_later_and_keeps_working_if_the_file_breaks(
    tmp_path: Path,
) -> None:
    path = tmp_path / "agents.yml"
    current = AccountsFile(path)
    assert len(current()) == 0
    add_agent(path, "ana", password="pw")
    assert current().verify_password("ana", "pw") == "ana"
    path.write_text("- oops: [\n")
    assert current().verify_password("ana", "pw") == "ana"


def test_a_broken_file_stops_the_server_at_start_up(tmp_path: Path) -> None:
    path = tmp_path / "agents.yml"
    path.write_text("- name: ana\n")
    with pytest.raises(AccountsError, match="entry 1"):
        AccountsFile(path)
