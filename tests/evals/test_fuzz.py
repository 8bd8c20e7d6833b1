"""A short fuzz run (the long one is `modalswitch fuzz`, figures in docs/reliability.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("hypothesis")

from modalswitch.cli import main
from modalswitch.evals.fuzz.harness import fuzz_media, fuzz_plans
from modalswitch.evals.fuzz.watch import FileWatch


def test_generated_plans_end_in_a_valid_run_or_a_typed_error(tmp_path: Path) -> None:
    report = fuzz_plans(150, tmp_path, seed=0)
    assert report.violations == []
    assert report.cases >= 150
    outcomes = report.outcomes
    assert outcomes["ok"] > 0 and any(k.startswith("PlanError") for k in outcomes)


def test_mutated_media_is_refused_or_imported_whole(tmp_path: Path) -> None:
    report = fuzz_media(80, tmp_path, seed=0)
    assert report.violations == []
    assert any(k.startswith("accepted") for k in report.outcomes)
    assert any(k.startswith("rejected") for k in report.outcomes)


def test_the_watch_catches_a_read_outside_the_allowed_roots(tmp_path: Path) -> None:
    allowed, secret = tmp_path / "allowed", tmp_path / "secret.txt"
    allowed.mkdir()
    secret.write_text("x")
    with FileWatch(read=[allowed], write=[allowed], forbidden=[secret]) as watch:
        (allowed / "fine.txt").write_text("ok")
        secret.read_text()
        (tmp_path / "stray.txt").write_text("no")
    assert any("forbidden" in v for v in watch.violations)
    assert any("stray.txt" in v for v in watch.violations)
    assert not any("fine.txt" in v for v in watch.violations)


def test_the_fuzz_command_writes_its_summary(tmp_path: Path) -> None:
    out = tmp_path / "fuzz"
    assert main(["fuzz", "--plans", "20", "--files", "10", "--conversations", "10",
                 "--seed", "1", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["ok"] and [r["target"] for r in summary["reports"]] == [
        "plans", "media", "mcp messages"]


@pytest.mark.parametrize("count", ["-3", "many"])
def test_the_fuzz_command_refuses_a_count_that_is_not_one(count: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fuzz", "--plans", "0", "--files", "0", "--conversations", count]) == 2
    assert "--conversations" in capsys.readouterr().err
