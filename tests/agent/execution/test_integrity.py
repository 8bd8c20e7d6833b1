"""Nothing corrupt is served: timed-out steps are not cached, store objects and cache entries
are checked before use and repaired, cached artifacts name this run's step, and temporary
files of dead processes are cleaned."""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from pathlib import Path

from modalswitch import Agent, ExecutionPolicy, ScriptedPlanner
from modalswitch.agent.trace import read_trace
from modalswitch.tools import ArtifactStore
from modalswitch.tools.fakes import fake_registry
from modalswitch.tools.runtime.integrity import sha256_file

DRAW = {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "cat"}}],
        "outputs": ["@s1.image"]}


def agent_for(plan: dict, home: Path, **policy) -> Agent:
    return Agent(ScriptedPlanner([plan]), fake_registry(), home=home,
                 policy=ExecutionPolicy(**policy))


def events(run: Path) -> list[str]:
    return [e.type for e in read_trace(run / "trace.jsonl")]


def wait_for_step_threads() -> None:
    """Abandoned step threads (a timed-out tool) finish on their own; wait for them."""
    for _ in range(1000):
        if not any(t.name.startswith("modalswitch-step") and t.is_alive()
                   for t in threading.enumerate()):
            return
        time.sleep(0.01)


def test_a_step_stopped_at_its_time_limit_is_never_cached(home, tmp_path):
    plan = {"steps": [{"id": "s1", "tool": "sleep", "args": {"text": "hi", "seconds": 0.5}}],
            "outputs": ["@s1.text"]}
    timed_out = agent_for(plan, home, step_timeout_s=0.05).run("go", out_dir=tmp_path / "r1")
    assert timed_out.failures[0].error_type == "StepTimeoutError"
    wait_for_step_threads()  # the cancelled tool has returned early by now
    again = agent_for(plan, home, step_timeout_s=30).run("go", out_dir=tmp_path / "r2")
    assert again.ok and again.text == "hi"
    assert "cache_hit" not in events(tmp_path / "r2")


def test_a_corrupt_object_is_made_again_not_served(home, tmp_path):
    agent = agent_for(DRAW, home)
    first = agent.run("draw", out_dir=tmp_path / "r1")
    good = Path(first.artifacts[0].path).read_bytes()
    obj = next((home / "store" / "objects").rglob("*.png"))
    obj.chmod(0o644)
    obj.write_bytes(b"\x89PNG corrupted in place")
    second = agent.run("draw", out_dir=tmp_path / "r2")
    assert "cache_hit" not in events(tmp_path / "r2")  # the entry's object failed its hash
    assert second.ok and Path(second.artifacts[0].path).read_bytes() == good
    assert sha256_file(obj) == obj.stem  # repaired in the store


def test_corruption_found_at_delivery_is_reported_not_delivered(home, tmp_path):
    agent = agent_for(DRAW, home, use_cache=False)
    store = agent.store
    real_put = store.put_file

    def corrupting_put(path, provenance, *, move=False):
        artifact = real_put(path, provenance, move=move)
        artifact.path.chmod(0o644)
        artifact.path.write_bytes(b"rotten")
        return artifact

    store.put_file = corrupting_put  # type: ignore[method-assign]
    response = agent.run("draw", out_dir=tmp_path / "run")
    assert response.artifacts == []
    assert response.failures[0].error_type == "StoreIntegrityError"
    assert not list((tmp_path / "run").glob("*.png"))


def test_reimporting_a_good_file_repairs_its_object(home, png):
    store = ArtifactStore(home / "store")
    art = store.import_input(png)
    assert art.path is not None
    art.path.chmod(0o644)
    art.path.write_bytes(b"bad bytes")
    assert not store.verify(art) and not art.path.exists()  # discarded, never served
    again = store.import_input(png)
    assert again.path == art.path and sha256_file(again.path) == again.sha256
    assert store.verify(again)


def test_an_altered_cache_entry_is_a_miss(home, tmp_path):
    agent = agent_for(DRAW, home)
    agent.run("draw", out_dir=tmp_path / "r1")
    entry = next((home / "cache" / "steps").rglob("*.json"))
    data = json.loads(entry.read_text())
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not yours")
    data["output"] = data["output"].replace(
        json.loads(data["output"])["image"]["path"], str(secret))
    entry.write_text(json.dumps(data))
    response = agent.run("draw", out_dir=tmp_path / "r2")
    assert "cache_hit" not in events(tmp_path / "r2")
    assert Path(response.artifacts[0].path).read_bytes() != b"not yours"


def test_a_cache_entry_naming_a_file_outside_the_store_is_a_miss(home, tmp_path):
    """Even with its own hash updated to match, an entry may only name store objects."""
    import hashlib

    agent = agent_for(DRAW, home)
    agent.run("draw", out_dir=tmp_path / "r1")
    entry = next((home / "cache" / "steps").rglob("*.json"))
    data = json.loads(entry.read_text())
    output = json.loads(data["output"])
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not yours")
    output["image"]["path"] = str(secret)
    output["image"]["sha256"] = sha256_file(secret)
    data["output"] = json.dumps(output)
    data["sha256"] = hashlib.sha256(data["output"].encode()).hexdigest()
    entry.write_text(json.dumps(data))
    response = agent.run("draw", out_dir=tmp_path / "r2")
    assert "cache_hit" not in events(tmp_path / "r2")
    assert Path(response.artifacts[0].path).read_bytes() != b"not yours"


def test_a_cached_artifact_names_the_step_that_reused_it(home, tmp_path):
    six = {"steps": [{"id": f"s{i}", "tool": "fake_speak", "args": {"text": f"t{i}"}}
                     for i in range(1, 7)], "outputs": ["@s6.audio"]}
    agent_for(six, home).run("speak", out_dir=tmp_path / "r1")
    two = {"steps": [{"id": "s1", "tool": "fake_speak", "args": {"text": "t1"}},
                     {"id": "s2", "tool": "fake_speak", "args": {"text": "t6"}}],
           "outputs": ["@s2.audio"]}
    response = agent_for(two, home).run("speak", out_dir=tmp_path / "r2")
    assert "cache_hit" in events(tmp_path / "r2")
    assert [a.step for a in response.artifacts] == ["s2"]


def test_temp_files_of_dead_processes_are_cleaned_live_ones_kept(tmp_path):
    tmp = tmp_path / "home" / "store" / "tmp"
    dead, live = tmp / "999999-dead", tmp / "4242-live"
    for folder in (dead, live):
        folder.mkdir(parents=True)
        (folder / "half-written.wav").write_bytes(b"RIFF")
        (tmp / f"{folder.name}.lock").touch()
    holder = os.open(tmp / f"{live.name}.lock", os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)  # as a live process would hold it
    try:
        ArtifactStore(tmp_path / "home" / "store")
        assert not dead.exists() and not (tmp / f"{dead.name}.lock").exists()
        assert (live / "half-written.wav").exists()
    finally:
        os.close(holder)


def test_half_written_cache_entries_of_killed_runs_are_cleaned(tmp_path):
    from modalswitch.agent.execution import StepCache

    root = tmp_path / "steps"
    (root / "ab").mkdir(parents=True)
    old, fresh = root / "ab" / "old.tmp", root / "ab" / "fresh.tmp"
    old.write_text("{")
    fresh.write_text("{")  # maybe another process writing right now
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    StepCache(root)
    assert not old.exists() and fresh.exists()
