"""The web studio in a real headless browser: upload, a live plan graph, inline media
(picture, speech, video), past runs with their traces, eval reports, an API key, and the
layout wide and narrow.

The service runs on loopback with the scripted planner and the fake tools, which write real
PNG and WAV files. A screenshot of a finished run is kept under the test's tmp_path; set
STUDIO_SCREENSHOT_TO=docs/studio-web.png to refresh the README's copy.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from studio_browser import Watched, launch_browser, open_page

from modalswitch import Agent, ScriptedPlanner
from modalswitch.interfaces.http.app import ServeConfig, create_app
from modalswitch.interfaces.http.loopback import serve_in_thread
from modalswitch.tools.fakes import fake_registry

expect = pytest.importorskip(
    "playwright.sync_api", reason="no playwright: pip install playwright (the dev extra has "
    "it)").expect

SEE_SAY_DRAW = {"steps": [{"id": "s1", "tool": "fake_caption", "args": {"image": "@input0"}},
                          {"id": "s2", "tool": "fake_speak", "args": {"text": "@s1"}},
                          {"id": "s3", "tool": "fake_draw", "args": {"text": "@s1.text"}}],
                "outputs": ["@s1", "@s2", "@s3"]}
BREAKS = {"steps": [{"id": "s1", "tool": "fake_transcribe", "args": {"audio": "@input0"}},
                    {"id": "s2", "tool": "crash", "args": {"text": "@s1"}},
                    {"id": "s3", "tool": "fake_speak", "args": {"text": "@s2"}},
                    {"id": "s4", "tool": "fake_draw", "args": {"text": "a cat"}}],
          "outputs": ["@s3", "@s4"]}
IMAGE_LOADED = ("() => { const i = document.querySelector('#response img');"
                " return i !== null && i.complete && i.naturalWidth > 0; }")
AUDIO_LOADED = ("() => { const a = document.querySelector('#response audio');"
                " return a !== null && a.readyState >= 1; }")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_browser()


def serve(home: Path, plans: list[dict], **config: Any):
    agent = Agent(ScriptedPlanner(plans), fake_registry(), home=home)
    return serve_in_thread(create_app(agent, ServeConfig(workers=2, **config)))


def wait_final(url: str, run_id: str, headers: dict | None = None) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body = httpx.get(f"{url}/v1/runs/{run_id}", headers=headers).json()
        if body["status"] not in ("queued", "running"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not finish")


def write_fake_eval(dataset: Path, out: Path) -> None:
    """An executed eval of the fake dataset, and its report with media as relative links."""
    from modalswitch import ExecutionPolicy
    from modalswitch.evals.datasets import load_dataset
    from modalswitch.evals.reports.html import write_report
    from modalswitch.evals.runner import EvalRun
    from modalswitch.evals.runner.planners import OraclePlanner

    cases = load_dataset(dataset)
    EvalRun(cases, OraclePlanner(), out, registry=fake_registry(), execute=True, workers=1,
            policy=ExecutionPolicy(backoff_s=0.01)).run(cases.cases, {"limit": None,
                                                                      "seed": None})
    write_report(out, max_embed_bytes=0)


def graph(page: Any) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """The drawn plan: each step's shown state, and the edges (from, to)."""
    states = page.eval_on_selector_all(
        "svg.plan-graph g.node.step", "ns => ns.map(n => [n.dataset.step, n.dataset.state])")
    edges = page.eval_on_selector_all(
        "svg.plan-graph g.edge", "es => es.map(e => [e.dataset.from, e.dataset.to])")
    return dict(states), {tuple(e) for e in edges}


def wait_status(page: Any, status: str) -> None:
    page.wait_for_function(
        "s => document.getElementById('run-status').textContent === s", arg=status)


def drop_file(page: Any, path: Path, mime: str) -> None:
    """Drop a file on the page the way a file manager does (a drop event with its bytes)."""
    data = base64.b64encode(path.read_bytes()).decode()
    transfer = page.evaluate_handle(
        """([data, name, mime]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name, { type: mime }));
            return dt;
        }""", [data, path.name, mime])
    page.dispatch_event("#drop-zone", "dragover", {"dataTransfer": transfer})
    page.dispatch_event("#drop-zone", "drop", {"dataTransfer": transfer})


def test_an_uploaded_picture_becomes_a_plan_graph_text_speech_and_a_picture(
        browser: Any, home: Path, png: Path, tmp_path: Path):
    with serve(home, [SEE_SAY_DRAW]) as url:
        watched = open_page(browser, url + "/")
        page = watched.page
        page.get_by_label("Request", exact=True).fill("describe this picture, say it and draw it")
        page.get_by_label("Attach files").set_input_files(str(png))
        assert "photo.png" in page.inner_text("#file-list")
        page.get_by_label("Request", exact=True).press("Control+Enter")  # keyboard submit
        wait_status(page, "ok")
        page.wait_for_function(IMAGE_LOADED)
        page.wait_for_function(AUDIO_LOADED)

        run_id = page.evaluate("location.hash").removeprefix("#run/")
        done = wait_final(url, run_id)
        states, edges = graph(page)
        assert states == {"s1": "done", "s2": "done", "s3": "done"}
        assert edges == {("in:0", "step:s1"), ("step:s1", "step:s2"), ("step:s1", "step:s3"),
                         ("step:s1", "out"), ("step:s2", "out"), ("step:s3", "out")}
        assert "photo.png" in page.text_content("svg.plan-graph g.node.input")
        assert "text + audio + image" in page.text_content("svg.plan-graph g.node.response")
        assert page.inner_text("#step-table tr[data-step='s2'] td.state") == "done"

        text = done["response"]["text"]
        assert text == "a 32x24 picture, mean colour [200, 30, 30]"
        assert page.inner_text("#response .answer") == text
        width = page.eval_on_selector("#response img", "i => [i.naturalWidth, i.naturalHeight]")
        assert width == [64, 48]  # what fake_draw drew, decoded by the browser
        duration = page.eval_on_selector("#response audio", "a => a.duration")
        assert duration == pytest.approx(0.05 + 0.01 * len(text), abs=0.01)

        kinds = page.eval_on_selector_all("#event-log .ev-kind", "ks => ks.map(k => k.textContent)")
        trace = httpx.get(f"{url}/v1/runs/{run_id}/trace").text.splitlines()
        assert kinds == [json.loads(line)["type"] for line in trace]
        assert kinds[0] == "run_start" and kinds[-1] == "run_end"

        layout = page.evaluate("""() => {
            const box = (s) => document.querySelector(s).getBoundingClientRect();
            return { content: box('#content').left, sidebar: box('.sidebar').left,
                     scroll: document.scrollingElement.scrollWidth, width: innerWidth };
        }""")
        assert layout["sidebar"] > layout["content"]  # two columns at 1280x800
        assert layout["scroll"] <= layout["width"]
        shot = tmp_path / "studio-web.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        if target := os.environ.get("STUDIO_SCREENSHOT_TO"):
            shutil.copyfile(shot, target)
        watched.assert_clean()


def test_a_failed_step_is_marked_and_its_dependents_skipped(browser: Any, home: Path,
                                                            tone_wav: Path):
    with serve(home, [BREAKS]) as url:
        watched = open_page(browser, url + "/")
        page = watched.page
        page.get_by_label("Request", exact=True).fill("transcribe, then break")
        drop_file(page, tone_wav, "audio/wav")
        assert "tone.wav" in page.inner_text("#file-list")
        page.get_by_role("button", name="Run", exact=True).click()
        wait_status(page, "partial")
        page.wait_for_function(IMAGE_LOADED)
        states, _ = graph(page)
        assert states == {"s1": "done", "s2": "failed", "s3": "skipped", "s4": "done"}
        assert "crashed on purpose" in page.inner_text("#step-table tr[data-step='s2']")
        assert "crashed on purpose" in page.inner_text("#response .failures")
        assert page.query_selector("#response audio") is None  # its step never ran
        watched.assert_clean()


def test_steps_go_live_from_queued_to_running_and_a_run_can_be_cancelled(browser: Any,
                                                                           home: Path):
    waits = {"steps": [{"id": "s1", "tool": "sleep", "args": {"seconds": 60, "text": "hi"}},
                       {"id": "s2", "tool": "fake_speak", "args": {"text": "@s1"}}],
             "outputs": ["@s2"]}
    with serve(home, [waits]) as url:
        watched = open_page(browser, url + "/")
        page = watched.page
        page.get_by_label("Request", exact=True).fill("wait a minute, then speak")
        page.get_by_role("button", name="Run", exact=True).click()
        page.wait_for_selector("svg.plan-graph g.node[data-step='s1'][data-state='running']")
        assert graph(page)[0] == {"s1": "running", "s2": "queued"}
        assert page.is_visible("#run-cancel")
        page.get_by_role("button", name="Cancel").click()
        wait_status(page, "cancelled")
        page.wait_for_function("() => !document.querySelector('#response .muted')")
        assert graph(page)[0] == {"s1": "failed", "s2": "skipped"}  # stopped, never spoke
        assert "RunCancelled" in page.inner_text("#response .failures")
        assert not page.is_visible("#run-cancel")
        watched.assert_clean()


def test_a_video_plays_inline(browser: Any, home: Path):
    from modalswitch.tools.transform.slideshow import MakeSlideshow

    slideshow = {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a cat"}},
                           {"id": "s2", "tool": "fake_speak", "args": {"text": "a cat"}},
                           {"id": "s3", "tool": "make_slideshow",
                            "args": {"images": ["@s1"], "narration": ["@s2"], "width": 64,
                                     "height": 64, "fps": 4}}],
                 "outputs": ["@s3"]}
    registry = fake_registry()
    registry.add(MakeSlideshow())
    agent = Agent(ScriptedPlanner([slideshow]), registry, home=home)
    with serve_in_thread(create_app(agent, ServeConfig())) as url:
        watched = open_page(browser, url + "/")
        page = watched.page
        page.get_by_label("Request", exact=True).fill("a video of a cat")
        page.get_by_role("button", name="Run", exact=True).click()
        wait_status(page, "ok")
        page.wait_for_function("() => { const v = document.querySelector('#response video');"
                               " return v !== null && v.readyState >= 1; }")
        size = page.eval_on_selector("#response video", "v => [v.videoWidth, v.videoHeight]")
        assert size == [64, 64]
        watched.assert_clean()


def test_past_runs_open_with_their_graph_and_events_wide_and_narrow(browser: Any, home: Path,
                                                                    png: Path):
    with serve(home, [SEE_SAY_DRAW]) as url:
        with png.open("rb") as fh:
            run_id = httpx.post(f"{url}/v1/runs", data={"request": "an earlier run"},
                                files={"files": ("photo.png", fh, "image/png")}).json()["id"]
        assert wait_final(url, run_id)["status"] == "ok"
        trace = httpx.get(f"{url}/v1/runs/{run_id}/trace").text.splitlines()

        watched = open_page(browser, url + "/")
        page = watched.page
        page.get_by_role("link", name="an earlier run").click()
        assert page.evaluate("location.hash") == f"#run/{run_id}"
        wait_status(page, "ok")
        page.wait_for_function(IMAGE_LOADED)
        assert graph(page)[0] == {"s1": "done", "s2": "done", "s3": "done"}
        assert page.locator("#event-log li").count() == len(trace)
        assert page.get_attribute(f"#run-list a[data-run='{run_id}']", "aria-current") == "page"
        watched.assert_clean()

        narrow = open_page(browser, f"{url}/#run/{run_id}", width=390, height=800)
        page = narrow.page
        wait_status(page, "ok")
        page.wait_for_function(IMAGE_LOADED)
        layout = page.evaluate("""() => {
            const box = (s) => document.querySelector(s).getBoundingClientRect();
            return { content: box('#content'), sidebar: box('.sidebar'),
                     request: box('#request'), run: box('#submit'),
                     scroll: document.scrollingElement.scrollWidth };
        }""")
        assert layout["scroll"] <= 390  # nothing makes the page scroll sideways
        assert layout["sidebar"]["top"] >= layout["content"]["bottom"]  # one column
        assert layout["request"]["right"] <= 390 and layout["run"]["right"] <= 390
        narrow.assert_clean()


def test_with_an_api_key_the_page_asks_for_it_then_works(browser: Any, home: Path, png: Path):
    with serve(home, [SEE_SAY_DRAW], api_key="s3cret") as url:
        watched = open_page(browser, url + "/")
        page = watched.page
        page.get_by_label("API key").fill("s3cret")
        page.get_by_role("button", name="Use it").click()
        page.get_by_label("Request", exact=True).fill("describe it, with a key")
        page.get_by_label("Attach files").set_input_files(str(png))
        page.get_by_role("button", name="Run", exact=True).click()
        wait_status(page, "ok")  # events came through fetch with the key
        page.wait_for_function(IMAGE_LOADED)  # media through blob: URLs
        page.wait_for_function(AUDIO_LOADED)
        assert page.get_attribute("#response img", "src").startswith("blob:")
        with page.expect_download() as saved:
            page.get_by_role("link", name="trace.jsonl").click()
        trace = Path(saved.value.path()).read_text().splitlines()
        assert json.loads(trace[-1])["type"] == "run_end"
        assert graph(page)[0] == {"s1": "done", "s2": "done", "s3": "done"}
        # before the key, the page's first calls were refused: those are the only errors
        assert all("401" in error for error in watched.errors), watched.errors
        assert not watched.elsewhere


def test_an_eval_report_opens_read_only_with_its_media(browser: Any, home: Path,
                                                       fake_eval_dataset: Path, tmp_path: Path):
    root = tmp_path / "evals"
    write_fake_eval(fake_eval_dataset, root / "fake-oracle")
    with serve(home, [SEE_SAY_DRAW], eval_roots=(root,)) as url:
        watched: Watched = open_page(browser, url + "/")
        page = watched.page
        page.get_by_role("link", name="evals/fake-oracle").click()
        frame = page.frame_locator("iframe.report")
        expect(frame.get_by_role("heading", name="Metrics")).to_be_visible(timeout=20_000)
        picture = frame.locator("img[src='cases/draw/s1-image.png']")  # a link, not inlined
        assert picture.evaluate("i => new Promise(ok => i.complete ? ok(i.naturalWidth) : ("
                                "i.onload = () => ok(i.naturalWidth), i.onerror = () => ok(-1)))"
                                ) == 64
        watched.assert_clean()
