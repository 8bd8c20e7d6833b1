"""Load on the HTTP service: N concurrent jobs over the fake tools, every artifact checked.

    modalswitch bench --http [--jobs 50] [--workers 4]

Each job submits its own plan (draw a picture and speak a sentence, the text differing per
job, so no job is a cache hit of another) as JSON, follows its run to the end, downloads
every artifact and checks it: the mime type, that it decodes, and the size or duration
the fake tools give that text. Reported: latency from submit to final status (p50, p99),
jobs per second, and the resident memory the serving process held. Numbers, not a test.
"""

from __future__ import annotations

import asyncio
import io
import resource
import statistics
import time
import wave
from dataclasses import dataclass
from typing import Any

from rich.console import Console


def plan_for(n: int) -> tuple[str, dict[str, Any]]:
    """Job n's text and plan (fake_draw and fake_speak on that text)."""
    text = f"job {n:03d} " + "x" * (n % 7)
    return text, {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": text}},
                            {"id": "s2", "tool": "fake_speak", "args": {"text": text}}],
                  "outputs": ["@s1", "@s2"]}


def check_artifact(text: str, mime: str, body: bytes) -> str | None:
    """What is wrong with one downloaded artifact, or None."""
    from PIL import Image

    if mime == "image/png":
        with Image.open(io.BytesIO(body)) as img:
            return None if img.size == (64, 48) else f"image is {img.size}"
    if mime == "audio/wav":
        with wave.open(io.BytesIO(body)) as fh:
            seconds = fh.getnframes() / fh.getframerate()
        want = 0.05 + 0.01 * len(text)
        return None if abs(seconds - want) < 0.002 else f"audio is {seconds:.3f}s, not {want}"
    return f"unexpected mime {mime}"


@dataclass
class JobResult:
    """One job: its latency and what went wrong, if anything."""

    seconds: float
    problems: list[str]


async def _job(client: Any, n: int, poll_s: float) -> JobResult:
    text, plan = plan_for(n)
    start = time.perf_counter()
    submitted = await client.post("/v1/runs", json={"request": text, "plan": plan})
    if submitted.status_code != 202:
        return JobResult(0.0, [f"submit: HTTP {submitted.status_code} {submitted.text}"])
    run_id = submitted.json()["id"]
    while (body := (await client.get(f"/v1/runs/{run_id}")).json())["status"] in (
            "queued", "running"):
        await asyncio.sleep(poll_s)
    seconds = time.perf_counter() - start
    if body["status"] != "ok":
        return JobResult(seconds, [f"{run_id}: {body['status']} {body.get('error')}"])
    problems = []
    artifacts = body["response"]["artifacts"]
    if sorted(a["mime"] for a in artifacts) != ["audio/wav", "image/png"]:
        problems.append(f"{run_id}: artifacts {[a['mime'] for a in artifacts]}")
    for art in artifacts:
        name = art["path"].rsplit("/", 1)[-1]
        got = await client.get(f"/v1/runs/{run_id}/artifacts/{name}")
        problem = (f"HTTP {got.status_code}" if got.status_code != 200
                   else check_artifact(text, got.headers["content-type"], got.content))
        if problem:
            problems.append(f"{run_id}/{name}: {problem}")
    return JobResult(seconds, problems)


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def http_load(base_url: str, jobs: int = 50, poll_s: float = 0.02,
              console: Console | None = None) -> dict[str, float]:
    """Run `jobs` concurrent jobs against a service at base_url (in this process) and print
    what they measured; returns the numbers."""
    import httpx

    console = console or Console()
    rss_before = _rss_mb()

    async def main() -> tuple[list[JobResult], float]:
        limits = httpx.Limits(max_connections=jobs)
        async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
            start = time.perf_counter()
            results = await asyncio.gather(*(_job(client, n, poll_s) for n in range(jobs)))
            return list(results), time.perf_counter() - start

    results, wall = asyncio.run(main())
    latencies = sorted(r.seconds for r in results)
    problems = [p for r in results for p in r.problems]
    numbers = {
        "jobs": jobs, "ok": sum(not r.problems for r in results),
        "p50_s": statistics.median(latencies),
        "p99_s": latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))],
        "jobs_per_s": jobs / wall, "wall_s": wall,
        "rss_mb": _rss_mb(), "rss_growth_mb": _rss_mb() - rss_before,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    console.print(f"[bold]HTTP service, {jobs} concurrent jobs[/bold] (fake tools, every "
                  "artifact downloaded and checked)")
    console.print(f"  correct: {numbers['ok']}/{jobs}   latency p50 {numbers['p50_s']:.3f} s, "
                  f"p99 {numbers['p99_s']:.3f} s   {numbers['jobs_per_s']:.1f} jobs/s "
                  f"({wall:.2f} s wall)")
    console.print(f"  memory: {numbers['rss_mb']:.0f} MB resident after "
                  f"(+{numbers['rss_growth_mb']:.0f} MB), peak {numbers['peak_rss_mb']:.0f} MB")
    for problem in problems[:10]:
        console.print(f"  [red]{problem}[/red]", highlight=False)
    return numbers
