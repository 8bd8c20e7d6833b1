"""From per-case results to the rows of the quality table, and the docs table itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from modalswitch.evals.tools_bench.records import BenchResult
from modalswitch.evals.tools_bench.scoring import Errors, total

DOC_START = "<!-- tool-bench:start (written by `modalswitch eval tools --doc`) -->"
DOC_END = "<!-- tool-bench:end -->"


@dataclass(frozen=True)
class Row:
    """One line of the quality table."""

    tool: str
    model: str
    test_set: str
    cases: int
    score: str
    speed: str
    rate: float | None = None
    """The error rate or hit share behind `score` (for charts and comparisons)."""


Pick = Callable[[BenchResult], bool]


def _errors(results: Iterable[BenchResult]) -> Errors:
    return total(Errors(r.errors or 0, r.length or 0) for r in results if r.length)


def rtfs(results: list[BenchResult]) -> tuple[float, float]:
    """(wall, CPU) time over media time for a group of cases."""
    media = sum(r.media_s for r in results)
    if not media:
        return 0.0, 0.0
    return sum(r.seconds for r in results) / media, sum(r.cpu_s for r in results) / media


def _rtf(results: list[BenchResult]) -> str:
    wall, cpu = rtfs(results)
    return f"RTF {wall:.3f} (CPU {cpu:.3f})" if wall else ""


def _per_item(results: list[BenchResult], unit: str) -> str:
    if not results:
        return ""
    wall = sum(r.seconds for r in results) / len(results)
    cpu = sum(r.cpu_s for r in results) / len(results)
    return f"{wall:.2f} s/{unit} (CPU {cpu:.2f} s)"


def pct(rate: float) -> str:
    """A rate as a percentage with one decimal."""
    return f"{100 * rate:.1f} %"


def _rate_row(tool: str, model: str, name: str, results: list[BenchResult], metric: str,
              speed: str) -> Row | None:
    ok = [r for r in results if r.error is None]
    if not results:
        return None
    errors = _errors(ok)
    failed = len(results) - len(ok)
    note = f" ({failed} failed)" if failed else ""
    return Row(tool, model, name, len(results), f"{metric} {pct(errors.rate)}{note}", speed,
               errors.rate)


SPEECH_SETS: tuple[tuple[str, Pick], ...] = (
    ("clean English, short (WAV)", lambda r: r.tags.get("condition") == "clean"
     and r.tags.get("language") == "en" and r.tags.get("length") == "short"),
    ("noise, 20 dB SNR (white, pink)", lambda r: r.tags.get("noise", "").endswith("-20 dB")
     and r.tags.get("length") == "short"),
    ("noise, 10 dB SNR (white, pink)", lambda r: r.tags.get("noise", "").endswith("-10 dB")
     and r.tags.get("length") == "short"),
    ("reverberation, RT60 0.6 s", lambda r: r.tags.get("condition") == "reverb"),
    ("MP3 / AAC at 64 kbit/s", lambda r: r.tags.get("condition") in ("mp3", "aac")
     and r.tags.get("length") == "short"),
    ("long, over 30 s (chunked)", lambda r: r.tags.get("length") == "long"),
    ("French, German, Spanish, Italian (language detected)",
     lambda r: r.tags.get("language") not in (None, "en") and r.tags.get("language given") == "no"),
    ("French, German, Spanish, Italian (language given)",
     lambda r: r.tags.get("language") not in (None, "en")
     and r.tags.get("language given") == "yes"),
)


def speech_rows(results: list[BenchResult]) -> list[Row]:
    """speech_to_text per model and condition: WER and real-time factor."""
    rows = []
    for model in dict.fromkeys(r.model for r in results if r.error is None):
        mine = [r for r in results if r.model == model]
        for name, pick in SPEECH_SETS:
            chosen = [r for r in mine if pick(r)]
            row = _rate_row("speech_to_text", model, name, chosen, "WER", _rtf(chosen))
            if row is not None:
                rows.append(row)
        foreign = [r for r in mine if r.tags.get("language") not in (None, "en")
                   and r.tags.get("language given") == "no"]
        if foreign:
            right = sum(r.tags.get("detected") == r.tags.get("language") for r in foreign)
            rows.append(Row("speech_to_text", model, "language detected", len(foreign),
                            f"{right}/{len(foreign)} right", "", right / len(foreign)))
    return rows


def ocr_rows(results: list[BenchResult]) -> list[Row]:
    """read_text per engine: CER on clean rendered text, hard rendered text and the photo."""
    rows = []
    for model in dict.fromkeys(r.model for r in results if r.error is None):
        mine = [r for r in results if r.model == model]
        for name, pick in (
                ("clean rendered text (6 fonts, 2 sizes, a paragraph)",
                 lambda r: r.tags.get("kind", "").startswith("clean")),
                ("rotated, blurred, noisy, low contrast, small, inverted, sign, receipt",
                 lambda r: r.tags.get("source") == "rendered"
                 and not r.tags.get("kind", "").startswith("clean")),
                ("scanned book page (scikit-image page.png)",
                 lambda r: r.tags.get("source") == "photo")):
            chosen = [r for r in mine if pick(r)]
            row = _rate_row("read_text", model, name, chosen, "CER", _per_item(chosen, "image"))
            if row is not None:
                rows.append(row)
    return rows


def photo_rows(results: list[BenchResult]) -> list[Row]:
    """classify_image top-1/top-5 and describe_image naming the subject."""
    rows = []
    labels = [r for r in results if r.tool == "classify_image" and r.hit1 is not None]
    if labels:
        top1, top5 = sum(bool(r.hit1) for r in labels), sum(bool(r.hit5) for r in labels)
        rows.append(Row("classify_image", labels[0].model, "scikit-image photos with an "
                        "ImageNet class", len(labels), f"top-1 {top1}/{len(labels)}, top-5 "
                        f"{top5}/{len(labels)}", _per_item(labels, "image"), top1 / len(labels)))
    described = [r for r in results if r.tool == "describe_image" and r.named is not None]
    if described:
        named = sum(bool(r.named) for r in described)
        rows.append(Row("describe_image", "labels + OCR + faces (offline composite)",
                        "scikit-image photos", len(described),
                        f"names the subject {named}/{len(described)}",
                        _per_item(described, "image"), named / len(described)))
    return rows


def tts_rows(results: list[BenchResult]) -> list[Row]:
    """text_to_speech per voice: round-trip WER (heard by speech_to_text) and synthesis RTF."""
    rows = []
    for voice in dict.fromkeys(r.tags.get("voice", "") + " " + r.tags.get("speed", "")
                               for r in results):
        mine = [r for r in results
                if r.tags.get("voice", "") + " " + r.tags.get("speed", "") == voice]
        listener = next((r.tags.get("listener") for r in mine if r.tags.get("listener")), "")
        row = _rate_row("text_to_speech", voice, f"round trip, heard by {listener}", mine,
                        "WER", _rtf(mine))
        if row is not None:
            rows.append(row)
    return rows


def video_rows(results: list[BenchResult]) -> list[Row]:
    """summarize_video: what is said (transcript WER) and shown (subjects named)."""
    rows = []
    for r in results:
        if r.error is not None:
            rows.append(Row("summarize_video", r.model, "narrated slideshow", 1,
                            f"failed: {r.error[:80]}", ""))
            continue
        rate = (r.errors or 0) / (r.length or 1)
        rows.append(Row("summarize_video", r.model, "narrated slideshow of 3 photos", 1,
                        f"speech WER {pct(rate)}; subjects named "
                        f"{r.tags.get('subjects named', '?')}",
                        f"{r.seconds:.1f} s (CPU {r.cpu_s:.1f} s) for "
                        f"{r.tags.get('slides', '?')} slides", rate))
    return rows


def all_rows(results: list[BenchResult]) -> list[Row]:
    """Every table row, tool by tool."""
    by = {bench: [r for r in results if r.bench == bench]
          for bench in ("speech_to_text", "read_text", "photos", "text_to_speech",
                        "summarize_video")}
    return (speech_rows(by["speech_to_text"]) + ocr_rows(by["read_text"])
            + photo_rows(by["photos"]) + tts_rows(by["text_to_speech"])
            + video_rows(by["summarize_video"]))


def markdown(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = ["| tool | model | test set | cases | score | speed |", "|---|---|---|---|---|---|"]
    lines += [f"| `{r.tool}` | {r.model} | {r.test_set} | {r.cases} | {r.score} | {r.speed} |"
              for r in rows]
    return "\n".join(lines)


def rows_json(rows: list[Row]) -> list[dict[str, object]]:
    """The rows as plain dicts."""
    return [asdict(r) for r in rows]


def update_doc(doc: Path, section: str) -> None:
    """Put the section between the doc's markers (appended with them the first time)."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    block = f"{DOC_START}\n{section.strip()}\n{DOC_END}"
    if DOC_START in text and DOC_END in text:
        head, rest = text.split(DOC_START, 1)
        text = head + block + rest.split(DOC_END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")
