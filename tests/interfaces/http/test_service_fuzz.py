"""Fuzzing the HTTP service: any submission gets a 2xx or a clear 4xx, never a 500."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modalswitch import Agent, ScriptedPlanner
from modalswitch.interfaces.http.app import ServeConfig, create_app
from modalswitch.interfaces.http.loopback import serve_in_thread
from modalswitch.tools.fakes import fake_registry

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=10)
bodies = json_values | st.fixed_dictionaries({}, optional={
    "request": json_values | st.text(max_size=20), "plan": json_values,
    "session": json_values | st.just("new"), "extra": json_values})
form_fields = st.dictionaries(st.sampled_from(["request", "plan", "session", "other"]),
                              st.text(max_size=20), max_size=4)
files = st.lists(st.tuples(st.text(max_size=12), st.binary(max_size=64)), max_size=4)
ALLOWED = {202, 400, 404, 413, 415, 422}


def test_fuzzed_submissions_get_clear_answers(tmp_path: Path):
    agent = Agent(ScriptedPlanner([{"steps": [], "message": "ok"}]), fake_registry(),
                  home=tmp_path / "home")
    config = ServeConfig(workers=1, queue=1000, max_upload_bytes=4096, max_files=3)
    with serve_in_thread(create_app(agent, config)) as url, \
            httpx.Client(base_url=url, timeout=30) as client:

        @settings(max_examples=60, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow])
        @given(bodies, form_fields, files, st.booleans(), st.binary(max_size=40))
        def check(body: object, fields: dict[str, str], uploads: list[tuple[str, bytes]],
                  as_form: bool, raw: bytes) -> None:
            if as_form:
                response = client.post("/v1/runs", data=fields,
                                       files=[("files", (n, b)) for n, b in uploads] or None)
            else:
                response = client.post("/v1/runs", content=json.dumps(body))
            assert response.status_code in ALLOWED, (response.status_code, response.text)
            if response.status_code != 202:
                assert response.json()["detail"]
            garbage = client.post("/v1/runs", content=raw,
                                  headers={"content-type": "application/json"})
            assert garbage.status_code in ALLOWED, garbage.text

        check()
        assert client.get("/healthz").json()["status"] == "ok"
