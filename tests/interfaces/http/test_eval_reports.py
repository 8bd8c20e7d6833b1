"""`serve --evals DIR`: eval folders found under the roots, and only their files served,
read-only; no path (dot segments, encoded or absolute, links out) reaches anything else."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from modalswitch import Agent, ScriptedPlanner
from modalswitch.cli.main import main
from modalswitch.errors import EvalDirError
from modalswitch.interfaces.http.app import ServeConfig, create_app
from modalswitch.interfaces.http.eval_reports import check_roots, eval_file, find_evals
from modalswitch.interfaces.http.loopback import serve_in_thread
from modalswitch.tools.fakes import fake_registry

SECRET = "the secret next door"


def make_eval(folder: Path, report: bool = True) -> Path:
    """The files of an eval folder that matter here."""
    (folder / "cases" / "draw").mkdir(parents=True)
    (folder / "results.jsonl").write_text("{}\n")
    (folder / "metrics.json").write_text(json.dumps({"n": 7, "node_f1": 0.5, "by_shape": {}}))
    (folder / "cases" / "draw" / "s1-image.png").write_bytes(b"\x89PNG fake")
    if report:
        (folder / "report.html").write_text("<h1>report</h1>")
    return folder


@pytest.fixture
def roots(tmp_path: Path) -> Path:
    """root/ holds two evals (one nested, one without a report) beside a secret outside."""
    root = tmp_path / "root"
    make_eval(root / "a")
    make_eval(root / "runs" / "evals" / "b", report=False)
    (root / "notes").mkdir()
    (root / "notes" / "plain.txt").write_text("not in an eval folder")
    (tmp_path / "secret.txt").write_text(SECRET)
    (root / "a" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "a" / "out").symlink_to(tmp_path, target_is_directory=True)
    (root / "elsewhere").symlink_to(make_eval(tmp_path / "outside"), target_is_directory=True)
    return root


def test_eval_folders_are_found_by_their_results_without_following_links(roots: Path):
    found = find_evals([roots])
    assert sorted(e.name for e in found.values()) == ["root/a", "root/runs/evals/b"]
    described = {e.name: e.describe() for e in found.values()}
    assert described["root/a"]["report"] and not described["root/runs/evals/b"]["report"]
    assert described["root/a"]["metrics"] == {"n": 7, "node_f1": 0.5}
    assert find_evals([roots / "a"]).keys() == {e.id for e in found.values()
                                                if e.name == "root/a"}


@pytest.mark.parametrize("relative", [
    "../secret.txt", "cases/../../secret.txt", "../../root/notes/plain.txt", "leak.txt",
    "out/secret.txt", "/etc/passwd", str(Path("/etc/passwd")), "cases", "", "nope.html",
    "cases/draw/\x00.png", "cases/draw/../../../secret.txt"])
def test_only_regular_files_inside_the_eval_folder_resolve(roots: Path, relative: str):
    (folder,) = [e for e in find_evals([roots]).values() if e.name == "root/a"]
    with pytest.raises(LookupError):
        eval_file(folder, relative)


def test_files_inside_resolve(roots: Path):
    (folder,) = [e for e in find_evals([roots]).values() if e.name == "root/a"]
    assert eval_file(folder, "cases/draw/s1-image.png").read_bytes() == b"\x89PNG fake"
    assert eval_file(folder, "cases/../report.html").name == "report.html"


@pytest.fixture
def service(home: Path, roots: Path) -> Iterator[str]:
    agent = Agent(ScriptedPlanner([{"steps": [], "outputs": []}]), fake_registry(), home=home)
    with serve_in_thread(create_app(agent, ServeConfig(eval_roots=(roots,)))) as url:
        yield url


def raw_get(url: str, path: str) -> tuple[int, bytes]:
    """GET a path exactly as written (httpx would remove dot segments first)."""
    where = urlsplit(url)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    try:
        conn.request("GET", path)
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def test_the_service_lists_evals_and_serves_a_report_read_only(service: str):
    listing = httpx.get(f"{service}/v1/evals").json()
    assert listing["roots"] == 1
    ids = {e["name"]: e["id"] for e in listing["evals"]}
    assert set(ids) == {"root/a", "root/runs/evals/b"}
    report = httpx.get(f"{service}/v1/evals/{ids['root/a']}/report.html")
    assert report.status_code == 200 and report.text == "<h1>report</h1>"
    assert report.headers["content-type"].startswith("text/html")
    assert report.headers["content-security-policy"].startswith("sandbox")  # no scripts
    image = httpx.get(f"{service}/v1/evals/{ids['root/a']}/cases/draw/s1-image.png")
    assert image.content == b"\x89PNG fake" and image.headers["content-type"] == "image/png"
    assert httpx.get(f"{service}/v1/evals/{ids['root/runs/evals/b']}/report.html"
                     ).status_code == 404
    assert httpx.get(f"{service}/v1/evals/000000000000/report.html").status_code == 404
    assert httpx.put(f"{service}/v1/evals/{ids['root/a']}/report.html",
                     content=b"x").status_code == 405  # read-only


@pytest.mark.parametrize("attack", [
    "../secret.txt", "..%2fsecret.txt", "%2e%2e/secret.txt", "%2e%2e%2f%2e%2e%2fsecret.txt",
    "cases/..%2f..%2fsecret.txt", "leak.txt", "out/secret.txt", "%2fetc%2fpasswd",
    "/etc/passwd", "..%5csecret.txt", "..\\secret.txt", "cases%00.png",
    "../../root/notes/plain.txt"])
def test_no_path_reaches_outside_the_eval_folder(service: str, attack: str):
    ids = {e["name"]: e["id"] for e in httpx.get(f"{service}/v1/evals").json()["evals"]}
    status, body = raw_get(service, f"/v1/evals/{ids['root/a']}/{attack}")
    assert status in (400, 404), (attack, status)
    assert SECRET.encode() not in body and b"not in an eval folder" not in body
    status, body = raw_get(service, f"/v1/evals/{ids['root/a']}/../../{attack}")
    assert SECRET.encode() not in body


def test_without_roots_nothing_is_served(home: Path, roots: Path):
    agent = Agent(ScriptedPlanner([{"steps": [], "outputs": []}]), fake_registry(), home=home)
    with serve_in_thread(create_app(agent, ServeConfig())) as url:
        assert httpx.get(f"{url}/v1/evals").json() == {"roots": 0, "evals": []}
        some_id = next(iter(find_evals([roots])))
        assert httpx.get(f"{url}/v1/evals/{some_id}/report.html").status_code == 404


def test_a_root_that_is_not_a_folder_is_a_clear_error(tmp_path: Path, capsys,
                                                      monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("served anyway"))
    with pytest.raises(EvalDirError, match="no such folder"):
        check_roots([tmp_path / "missing"])
    assert main(["serve", "--evals", str(tmp_path / "missing")]) == 2
    assert "no such folder" in capsys.readouterr().err
