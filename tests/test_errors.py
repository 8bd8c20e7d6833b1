"""Every error is a ModalswitchError with the exit code the command line ends with."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from modalswitch import errors
from modalswitch.cli import main


def _classes() -> list[type[BaseException]]:
    return [c for _, c in inspect.getmembers(errors, inspect.isclass)
            if issubclass(c, BaseException) and c.__module__ == errors.__name__]


def test_every_error_is_a_modalswitch_error_with_an_exit_code() -> None:
    for cls in _classes():
        assert issubclass(cls, errors.ModalswitchError), cls
        assert cls.exit_code in (1, 2, 3), cls  # type: ignore[attr-defined]


@pytest.mark.parametrize(("cls", "code"), [
    (errors.UserError, 2), (errors.InputFileError, 2), (errors.UnknownToolError, 2),
    (errors.ConfigError, 2), (errors.PlanError, 2), (errors.PlannerError, 3),
    (errors.GrammarError, 3), (errors.ToolError, 1), (errors.MediaError, 1)])
def test_exit_codes_by_family(cls: type[errors.ModalswitchError], code: int) -> None:
    assert cls.exit_code == code
    assert errors.exit_code(RuntimeError()) == 1


def test_an_unknown_tool_is_a_user_error_not_a_key_error() -> None:
    exc = errors.UnknownToolError("speek", ["speak", "draw"])
    assert isinstance(exc, errors.UserError) and not isinstance(exc, KeyError)
    assert str(exc) == "unknown tool 'speek'; did you mean 'speak'?"


def test_the_cli_exits_with_the_error_s_code(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[models\n")
    monkeypatch.setenv("MODALSWITCH_CONFIG", str(config))
    assert main(["models", "list"]) == 2
    assert "not valid TOML" in capsys.readouterr().err
