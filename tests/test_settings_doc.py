"""docs/settings.md lists every MODALSWITCH_* variable, and nothing reads one outside settings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from modalswitch import settings
from modalswitch.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def test_the_doc_table_is_the_settings_table() -> None:
    doc = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    assert settings.markdown_table() in doc


def test_only_the_settings_module_reads_modalswitch_variables() -> None:
    readers = []
    for folder in ("modalswitch", "agent", "tools", "evals", "training"):
        for path in (REPO / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path.name != "settings.py" and re.search(
                    r"environ(\.get)?\(?\[?\s*[\"']MODALSWITCH_", text):
                readers.append(str(path.relative_to(REPO)))
    assert not readers


def test_environment_beats_config_file_beats_default(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    monkeypatch.setenv("MODALSWITCH_CONFIG", str(config))
    monkeypatch.delenv("MODALSWITCH_PLANNER", raising=False)
    assert settings.setting("MODALSWITCH_PLANNER") is None
    config.write_text('[planner]\nname = "base"\n')
    assert settings.setting("MODALSWITCH_PLANNER") == "base"
    monkeypatch.setenv("MODALSWITCH_PLANNER", "routed")
    assert settings.setting("MODALSWITCH_PLANNER") == "routed"


def test_an_unknown_table_is_a_config_error(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[planer]\nname = 'base'\n")
    monkeypatch.setenv("MODALSWITCH_CONFIG", str(config))
    with pytest.raises(ConfigError, match=r"unknown table.*planer") as info:
        settings.config_file()
    assert info.value.exit_code == 2
