"""The ``.env`` file's variables, read as the settings read them."""

from __future__ import annotations

from bot.supervise.envfile import parse_env_file


def test_assignments_are_read_with_quotes_exports_and_comments() -> None:
    text = "\n".join(
        [
            "# ports for make run",
            "FRONTLINE_RASA_PORT=6005",
            "export FRONTLINE_ACTIONS_PORT = 6055  # the actions",
            "URL=postgresql://u:p@db/frontline?ssl=1#anchor",
            "SINGLE='kept # as is'",
            'DOUBLE="two\\nlines \\"quoted\\""',
            "EMPTY=",
            "not an assignment",
            "1BAD=x",
        ]
    )

    assert parse_env_file(text) == {
        "FRONTLINE_RASA_PORT": "6005",
        "FRONTLINE_ACTIONS_PORT": "6055",
        "URL": "postgresql://u:p@db/frontline?ssl=1#anchor",
        "SINGLE": "kept # as is",
        "DOUBLE": 'two\nlines "quoted"',
        "EMPTY": "",
    }


def test_a_later_line_wins() -> None:
    assert parse_env_file("A=1\nA=2\n") == {"A": "2"}
