"""PostgreSQL 15 for the cluster (and the tests): a data folder, its first start, its server.

``initdb`` and ``postgres`` refuse to run as root, so under root they run as an
unprivileged user (``postgres`` where Debian's package made one, else ``nobody``):
``runuser`` for the one-off commands, ``setpriv`` for the server, because ``setpriv``
replaces itself with ``postgres`` and the supervisor's signals reach the server.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

SUPERUSER = "frontline"
BINARIES = ("initdb", "pg_ctl", "postgres")


def unprivileged_user() -> str | None:
    """Who runs the server: None for the current user, unless that is root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root, and there is no postgres or nobody user to run as")


def as_user(user: str | None) -> list[str]:
    """The prefix that runs a one-off command as ``user`` (nothing for the current user)."""
    if user is None:
        return []
    if shutil.which("runuser") is None:
        raise RuntimeError("running as root needs runuser (util-linux) to start PostgreSQL")
    return ["runuser", "-u", user, "--"]


def exec_as_user(user: str | None) -> list[str]:
    """The prefix that *becomes* ``user`` and execs the command (for long-running servers)."""
    if user is None:
        return []
    return ["setpriv", "--reuid", user, "--regid", user, "--init-groups", "--"]


def own(path: Path, user: str | None) -> None:
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def initdb(data: Path, *, user: str | None) -> bool:
    """Create the cluster in ``data`` unless it exists; True when it was created."""
    if (data / "PG_VERSION").exists():
        return False
    data.parent.mkdir(parents=True, exist_ok=True)
    own(data.parent, user)
    done = subprocess.run(
        [*as_user(user), "initdb", "-D", str(data), "-U", SUPERUSER, "--auth=trust",
         "-E", "UTF8", "--no-locale"],
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        who = f" (run as {user}: every folder above {data.parent} must let {user} through)"
        raise RuntimeError(f"initdb failed{who if user else ''}:\n{done.stderr.strip()}")
    return True


def server_command(data: Path, *, port: int, user: str | None) -> list[str]:
    """The foreground server, listening on 127.0.0.1 only, its socket beside its data."""
    return [
        *exec_as_user(user), "postgres", "-D", str(data), "-p", str(port),
        "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={data.parent}",
        "-c", "max_connections=200",
    ]  # fmt: skip


def pg_ctl(data: Path, action: str, *, port: int, user: str | None) -> None:
    """``pg_ctl start`` or ``stop`` around one-off work, waiting until it is done."""
    options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data.parent}"
    command = [*as_user(user), "pg_ctl", action, "-D", str(data), "-w", "-t", "60"]
    if action == "start":
        command += ["-l", str(data.parent / "postgres-setup.log"), "-o", options]
    else:
        command += ["-m", "fast"]
    subprocess.run(command, check=True, capture_output=True, text=True)
