"""Run folders: a rerun leaves only its own files, one run at a time, links are replaced
rather than written through, and a bad --out is a clear error."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from modalswitch import Agent, Plan, ScriptedPlanner
from modalswitch.agent.run_folder import RunFolder
from modalswitch.agent.trace import read_trace
from modalswitch.cli import main
from modalswitch.errors import RunFolderError
from modalswitch.tools.fakes import Sleep, fake_registry

TWO_PICTURES = {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a"}},
                          {"id": "s2", "tool": "fake_draw", "args": {"text": "b"}}],
                "outputs": ["@s1.image", "@s2.image"]}
ONE_SOUND = {"steps": [{"id": "s1", "tool": "fake_speak", "args": {"text": "hello"}}],
             "outputs": ["@s1.audio"]}


def visible(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")}


def test_a_rerun_leaves_only_its_own_files(home, tmp_path):
    out = tmp_path / "run"
    agent = Agent(ScriptedPlanner([TWO_PICTURES, ONE_SOUND]), fake_registry(), home=home)
    first = agent.run("draw two", out_dir=out)
    assert visible(out) == {"response.json", "trace.jsonl", "s1-image.png", "s2-image.png"}
    (out / "my-notes.txt").write_text("mine")  # the user's own file in the folder
    second = agent.run("say hello", out_dir=out)
    assert [Path(a.path).name for a in second.artifacts] == ["s1-audio.wav"]
    assert visible(out) == {"response.json", "trace.jsonl", "s1-audio.wav", "my-notes.txt"}
    saved = json.loads((out / "response.json").read_text())
    assert [Path(a["path"]).name for a in saved["artifacts"]] == ["s1-audio.wav"]
    assert [e.type for e in read_trace(out / "trace.jsonl")].count("run_start") == 1
    assert len(first.artifacts) == 2


def test_a_second_run_into_a_busy_folder_is_refused(home, tmp_path):
    out = tmp_path / "run"
    plan = {"steps": [{"id": "s1", "tool": "sleep", "args": {"text": "slow", "seconds": 2}}],
            "outputs": ["@s1.text"]}
    registry = fake_registry()
    sleep = registry.get("sleep")
    assert isinstance(sleep, Sleep)
    first = Agent(ScriptedPlanner([plan]), registry, home=home)
    results: list[str] = []
    runner = threading.Thread(target=lambda: results.append(first.run("a", out_dir=out).text))
    runner.start()
    try:
        while runner.is_alive() and (not (out / "trace.jsonl").exists() or "step_start"
                                     not in (out / "trace.jsonl").read_text()):
            runner.join(0.01)
        second = Agent(ScriptedPlanner([ONE_SOUND]), fake_registry(), home=home)
        with pytest.raises(RunFolderError, match="another run is writing"):
            second.run("b", out_dir=out)
    finally:
        runner.join()
    assert results == ["slow"]
    events = read_trace(out / "trace.jsonl")
    assert {e.run_id for e in events} == {events[0].run_id}  # one run's trace, whole
    assert events[-1].type == "run_end"


def test_links_planted_in_the_folder_are_replaced_not_followed(home, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    victims = {}
    for name in ("response.json", "response.json.tmp", "trace.jsonl", "s1-image.png"):
        victim = tmp_path / f"victim-{name}"
        victim.write_text("precious")
        (out / name).symlink_to(victim)
        victims[name] = victim
    agent = Agent(ScriptedPlanner([TWO_PICTURES]), fake_registry(), home=home)
    response = agent.run("draw", out_dir=out)
    assert all(v.read_text() == "precious" for v in victims.values())
    for name in ("response.json", "trace.jsonl", "s1-image.png"):
        assert (out / name).is_file() and not (out / name).is_symlink()
    assert Path(response.artifacts[0].path).read_bytes()[:4] == b"\x89PNG"


def test_delivered_files_are_copies_the_user_may_edit(home, tmp_path):
    agent = Agent(ScriptedPlanner([TWO_PICTURES]), fake_registry(), home=home)
    first = agent.run("draw", out_dir=tmp_path / "r1")
    delivered = Path(first.artifacts[0].path)
    good = delivered.read_bytes()
    delivered.write_bytes(b"edited by the user")  # writable, and not the store's object
    second = agent.run("draw", out_dir=tmp_path / "r2")
    assert Path(second.artifacts[0].path).read_bytes() == good


@pytest.mark.parametrize("make", ["file", "under-a-file"])
def test_a_bad_out_folder_is_a_clear_error(tmp_path, capsys, make):
    blocker = tmp_path / "taken.txt"
    blocker.write_text("not a folder")
    out = blocker if make == "file" else blocker / "run"
    code = main(["--home", str(tmp_path / "home"), "run", "hello", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "run folder" in err and "Traceback" not in err
    assert blocker.read_text() == "not a folder"


def test_a_claimed_folder_refuses_and_then_frees(tmp_path):
    out = tmp_path / "run"
    with RunFolder(out), pytest.raises(RunFolderError):
        RunFolder(out).claim()
    with RunFolder(out):
        pass  # free again once released


def test_a_plan_error_still_ends_the_trace_and_clears_the_old_response(home, tmp_path):
    out = tmp_path / "run"
    agent = Agent(ScriptedPlanner([ONE_SOUND]), fake_registry(), home=home)
    agent.run("speak", out_dir=out)
    bad = Plan.parse({"steps": [{"id": "s1", "tool": "nope", "args": {}}]})
    with pytest.raises(Exception, match="unknown tool"):
        agent.run("broken", out_dir=out, plan=bad)
    assert not (out / "response.json").exists()  # no stale answer beside a failed trace
    assert visible(out) == {"trace.jsonl"}
    assert read_trace(out / "trace.jsonl")[-1].type == "run_end"
