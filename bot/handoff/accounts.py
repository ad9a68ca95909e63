"""Agent accounts for the web inbox, configured by the operator in a YAML file.

The file (``FRONTLINE_AGENTS_FILE``, default ``var/agents.yml``) is a list of
``{name, password_hash?, token_hash?, avatar_url?}``, written by ``frontline agents add``::

    - name: ana
      password_hash: scrypt$16384$8$1$<salt>$<hash>
      token_hash: <sha256 hex of an API token>
      avatar_url: https://shop.example/team/ana.png

Customers see the agent's name (and avatar, if set) with every reply.

Passwords are kept only as salted scrypt hashes and API tokens only as SHA-256
digests, so the file is no use to whoever reads it. Checks take the same time
whether or not the name exists, so timing does not tell which agents there are.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_MAX_MEMORY = 2**30
_NAME = re.compile(r"[\w.@' -]{1,64}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_AVATAR = re.compile(r"https://[^\s\"'<>]{1,500}")
_HEADER = "# Agent accounts for the inbox at /agent. Edit with `frontline agents add`.\n"


class AccountsError(ValueError):
    """The accounts file cannot be read; the message names the file, entry and field."""


@dataclass(frozen=True)
class AgentAccount:
    name: str
    password_hash: str | None = None
    token_hash: str | None = None
    avatar_url: str | None = None


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt_b64$hash_b64`` for ``password``, with a fresh 16-byte salt."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join(
        ["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)]
    )


def password_matches(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` (a :func:`hash_password` value) was made from."""
    n, r, p, salt, digest = _parse_password_hash(stored)
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), digest)


def hash_token(token: str) -> str:
    """What the accounts file keeps of an API token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh random API token (shown once; only :func:`hash_token` of it is stored)."""
    return secrets.token_urlsafe(32)


class AgentAccounts:
    """The configured agents, and the checks the inbox makes against them."""

    def __init__(self, accounts: Iterable[AgentAccount] = ()) -> None:
        self._accounts = {account.name: account for account in accounts}

    @classmethod
    def load(cls, path: Path) -> AgentAccounts:
        """The accounts in ``path``; no accounts when the file does not exist.

        Raises:
            AccountsError: The file is not a list of valid accounts.
        """
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise AccountsError(f"{path}: not valid YAML: {error}") from error
        if data is None:
            return cls()
        if not isinstance(data, list):
            raise AccountsError(f"{path}: expected a list of accounts, got {type(data).__name__}")
        accounts = [_account(path, index, entry) for index, entry in enumerate(data, start=1)]
        names = [account.name for account in accounts]
        for name in names:
            if names.count(name) > 1:
                raise AccountsError(f"{path}: the name {name!r} appears more than once")
        return cls(accounts)

    def __len__(self) -> int:
        return len(self._accounts)

    def __iter__(self) -> Iterator[AgentAccount]:
        return iter(sorted(self._accounts.values(), key=lambda account: account.name))

    def get(self, name: str) -> AgentAccount | None:
        return self._accounts.get(name)

    def verify_password(self, name: str, password: str) -> str | None:
        """The agent's name if ``password`` is theirs, else None (in the same time)."""
        account = self._accounts.get(name)
        stored = account.password_hash if account is not None else None
        matches = password_matches(password, stored or _decoy_hash())
        return account.name if account is not None and stored and matches else None

    def verify_token(self, token: str) -> str | None:
        """The name of the agent whose API token this is, else None."""
        digest = hash_token(token)
        found = None
        for account in self._accounts.values():
            if account.token_hash and hmac.compare_digest(account.token_hash, digest):
                found = account.name
        return found


class AccountsFile:
    """The accounts file as the running server sees it: read again when it changes,
    so an agent added with ``frontline agents add`` can log in without a restart."""

    def __init__(self, path: Path) -> None:
        """Read ``path`` now, so a broken file stops the server at start-up.

        Raises:
            AccountsError: The file is invalid.
        """
        self.path = path
        self._stamp = self._stat()
        self._accounts = AgentAccounts.load(path)

    def __call__(self) -> AgentAccounts:
        """The current accounts; a file broken while running keeps the last good ones."""
        stamp = self._stat()
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                self._accounts = AgentAccounts.load(self.path)
            except AccountsError as error:
                log.error("agent accounts unchanged: %s", error)
        return self._accounts

    def _stat(self) -> tuple[int, int] | None:
        try:
            status = self.path.stat()
        except FileNotFoundError:
            return None
        return status.st_mtime_ns, status.st_size


def add_agent(
    path: Path,
    name: str,
    password: str | None = None,
    token: str | None = None,
    avatar_url: str | None = None,
) -> AgentAccount:
    """Add agent ``name`` to the file, or update their password, token or avatar; others
    are kept.

    Raises:
        AccountsError: The name is not allowed, there is nothing to set, or the
            existing file is invalid (it is then left alone).
    """
    if not _NAME.fullmatch(name) or name != name.strip():
        raise AccountsError(
            f"{name!r} is not an agent name: 1 to 64 letters, digits, spaces or . @ ' - _"
        )
    if avatar_url is not None and not _AVATAR.fullmatch(avatar_url):
        raise AccountsError(f"{avatar_url!r} is not an avatar URL: https://... without spaces")
    accounts_now = {account.name for account in AgentAccounts.load(path)}
    if password is None and token is None and not (avatar_url and name in accounts_now):
        raise AccountsError("give a password, a token or both")
    if password is not None and not password:
        raise AccountsError("the password is empty")
    accounts = {account.name: account for account in AgentAccounts.load(path)}
    old = accounts.get(name, AgentAccount(name))
    accounts[name] = AgentAccount(
        name=name,
        password_hash=hash_password(password) if password is not None else old.password_hash,
        token_hash=hash_token(token) if token is not None else old.token_hash,
        avatar_url=avatar_url if avatar_url is not None else old.avatar_url,
    )
    _write(path, accounts.values())
    return accounts[name]


def _account(path: Path, index: int, entry: Any) -> AgentAccount:
    where = f"{path}: entry {index}"
    if not isinstance(entry, dict):
        raise AccountsError(f"{where}: expected a mapping with name, password_hash, token_hash")
    unknown = sorted(set(entry) - {"name", "password_hash", "token_hash", "avatar_url"})
    if unknown:
        raise AccountsError(f"{where}: unknown field {unknown[0]!r}")
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise AccountsError(f"{where}: field name: expected 1 to 64 letters, digits or . @ ' - _")
    where = f"{path}: entry {index} ({name})"
    password_hash, token_hash = entry.get("password_hash"), entry.get("token_hash")
    if password_hash is not None:
        try:
            _parse_password_hash(password_hash)
        except ValueError as error:
            raise AccountsError(f"{where}: field password_hash: {error}") from error
    if token_hash is not None and not (
        isinstance(token_hash, str) and _HEX64.fullmatch(token_hash)
    ):
        raise AccountsError(f"{where}: field token_hash: expected 64 lowercase hex digits")
    if password_hash is None and token_hash is None:
        raise AccountsError(f"{where}: needs a password_hash or a token_hash")
    avatar = entry.get("avatar_url")
    if avatar is not None and not (isinstance(avatar, str) and _AVATAR.fullmatch(avatar)):
        raise AccountsError(f"{where}: field avatar_url: expected an https:// URL")
    return AgentAccount(
        name=name, password_hash=password_hash, token_hash=token_hash, avatar_url=avatar
    )


def _parse_password_hash(stored: Any) -> tuple[int, int, int, bytes, bytes]:
    parts = stored.split("$") if isinstance(stored, str) else []
    if len(parts) != 6 or parts[0] != "scrypt":
        raise ValueError("expected scrypt$n$r$p$salt$hash (from `frontline agents add`)")
    try:
        n, r, p = (int(part) for part in parts[1:4])
        salt, digest = (
            base64.b64decode(parts[4], validate=True),
            base64.b64decode(parts[5], validate=True),
        )
    except ValueError as error:
        raise ValueError(f"unreadable scrypt parameters: {error}") from error
    if n < 2 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16 or 128 * n * r > _MAX_MEMORY:
        raise ValueError(f"scrypt parameters out of range: n={n}, r={r}, p={p}")
    if len(salt) < 8 or len(digest) < 16:
        raise ValueError("salt or hash too short")
    return n, r, p, salt, digest


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int = 32) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAX_MEMORY, dklen=length
    )


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    """A hash to check unknown names against, so they cost as much as known ones."""
    return hash_password(secrets.token_urlsafe(16))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _write(path: Path, accounts: Iterable[AgentAccount]) -> None:
    """Replace the file in one step, readable by its owner only."""
    entries = []
    for account in sorted(accounts, key=lambda a: a.name):
        entry = {"name": account.name}
        if account.password_hash:
            entry["password_hash"] = account.password_hash
        if account.token_hash:
            entry["token_hash"] = account.token_hash
        if account.avatar_url:
            entry["avatar_url"] = account.avatar_url
        entries.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".agents-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(_HEADER)
            yaml.safe_dump(entries, file, sort_keys=False, allow_unicode=True)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
