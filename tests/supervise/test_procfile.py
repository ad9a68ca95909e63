"""Procfile lines become processes; the shell expands their variables as in a terminal."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from bot.supervise.procfile import ProcessSpec, ProcfileError, parse_procfile, read_procfile


def test_the_projects_procfile_runs_rasa_and_the_actions() -> None:
    specs = read_procfile(PROJECT_ROOT / "Procfile")

    assert [spec.name for spec in specs] == ["rasa", "actions"]
    assert specs[1].command == "frontline actions --port ${FRONTLINE_ACTIONS_PORT:-5055}"


def test_comments_and_blank_lines_are_skipped_and_order_is_kept() -> None:
    text = "# the web\n\nweb: serve --port 1\n  # more\nworker_2:   work   \n"

    assert parse_procfile(text) == [
        ProcessSpec(name="web", command="serve --port 1"),
        ProcessSpec(name="worker_2", command="work"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("web: serve\nnot a process line\n", 2, "expected 'name: command'"),
        ("web:\n", 1, "expected 'name: command'"),
        ("web: a\nweb: b\n", 2, "named twice"),
        ("# nothing\n\n", 0, "no processes"),
    ],
)
def test_a_procfile_that_cannot_run_says_where_and_why(text: str, line: int, problem: str) -> None:
    with pytest.raises(ProcfileError) as raised:
        parse_procfile(text, source="cluster.Procfile")

    assert raised.value.line == line
    assert problem in raised.value.problem
    assert str(raised.value).startswith("cluster.Procfile")


def test_a_missing_procfile_is_a_procfile_error(tmp_path: Path) -> None:
    with pytest.raises(ProcfileError, match="cannot read it"):
        read_procfile(tmp_path / "Procfile")


def _run(command: str, env: dict[str, str]) -> str:
    argv = ProcessSpec(name="p", command=command).argv()
    return subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout


def test_the_shell_expands_defaults_and_variables_from_the_environment() -> None:
    command = "echo ${PORT_A:-5005} ${PORT_B:-5055} $NAME"

    assert _run(command, {"PORT_B": "6000", "NAME": "frontline"}) == "5005 6000 frontline\n"


def test_the_command_replaces_the_shell_and_leading_assignments_still_work() -> None:
    spec = ProcessSpec(name="p", command="GREETING='hello there' sh -c 'echo $GREETING $$'")
    process = subprocess.Popen(
        spec.argv(), env={"PATH": "/usr/bin:/bin"}, stdout=subprocess.PIPE, text=True
    )
    out, _ = process.communicate(timeout=10)

    # The pid we started is the command's own: signals and exit codes are its own too.
    assert out == f"hello there {process.pid}\n"
