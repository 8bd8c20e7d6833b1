"""The tool benchmark's scoring on tiny inputs: error rates (jiwer), label hits, the table,
the default it picks, the doc markers, the data makers and the HTML page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modalswitch.evals.tools_bench.records import BenchResult
from modalswitch.evals.tools_bench.report import is_tool_bench, write_tools_report
from modalswitch.evals.tools_bench.run import speech_default, write_results
from modalswitch.evals.tools_bench.scoring import (
    Errors,
    char_errors,
    english_normalizer,
    hit_at,
    names_any,
    normalize_words,
    real_time_factor,
    recall_of,
    total,
    word_errors,
)
from modalswitch.evals.tools_bench.summary import (
    DOC_END,
    DOC_START,
    all_rows,
    markdown,
    update_doc,
)

VOICEMAIL = "Please buy milk, eggs and bread on your way home tonight."


def test_word_errors_count_what_tiny_en_misheard() -> None:
    # the transcript: "eggs" lost, "bread" -> "rent", "tonight" -> "to hide"
    heard = "please buy milk, and rent on your way home to hide."
    errors = word_errors(VOICEMAIL, heard)
    assert errors.length == 11
    assert errors.errors == 4  # eggs deleted, bread->rent, tonight->to, hide inserted
    assert word_errors(VOICEMAIL, "Please buy milk, eggs and bread on your way home tonight!"
                       ).errors == 0  # case and punctuation are not recognition errors
    assert word_errors(VOICEMAIL, "").errors == 11


def test_normalization_keeps_words_of_every_script() -> None:
    french = "il fait très beau aujourd'hui"
    assert normalize_words("Il fait très beau aujourd'hui!", "fr") == french
    assert normalize_words("Twenty-four hours", "de") == "twenty four hours"
    with pytest.raises(ValueError, match="reference"):
        word_errors("...", "anything")


def test_english_numbers_are_not_errors_when_whisper_normalizes() -> None:
    if english_normalizer() is None:
        pytest.skip("openai-whisper (its English normalizer) is not installed")
    assert word_errors("open from eight until late", "Open from 8 until late.").errors == 0


def test_char_errors_and_totals() -> None:
    assert char_errors("OPEN 24 HOURS", "OPEN  24\nHOURS") == Errors(0, 13)  # spaces folded
    one = char_errors("Exit", "Exlt")
    assert one == Errors(1, 4) and one.rate == 0.25
    assert total([one, Errors(0, 6)]).rate == 0.1  # a corpus rate, not a mean of rates
    assert Errors(0, 0).rate == 0.0


def test_label_hits_names_and_speed() -> None:
    labels = ["tiger cat", "tabby", "Egyptian cat", "lynx", "fox squirrel"]
    assert hit_at(labels, ["Tabby"], 5) and not hit_at(labels, ["tabby"], 1)
    assert not hit_at(labels, [], 5)
    assert names_any("it looks like an espresso (0.81)", ["espresso"])
    assert names_any("2 faces detected", ["face"])  # plural counts
    assert not names_any("a catalogue", ["cat"])  # whole words only
    assert recall_of(["cat", "cup"], "a cat on a mat") == 0.5
    assert real_time_factor(1.5, 30.0) == 0.05 and real_time_factor(1.0, 0.0) == 0.0


def _speech(model: str, case: str, errors: int, seconds: float, **tags: str) -> BenchResult:
    """A 10 s, 10-word case that kept two cores busy for `seconds`."""
    base = {"condition": "clean", "language": "en", "length": "short"}
    return BenchResult(case=case, bench="speech_to_text", tool="speech_to_text", model=model,
                       errors=errors, length=10, seconds=seconds, cpu_s=2 * seconds,
                       media_s=10.0, tags=base | tags, reference="r", output="o")


def test_the_default_is_the_most_accurate_within_the_speed_limit() -> None:
    results = [_speech("big", "a", 0, 0.9), _speech("big", "b", 1, 2.0, length="long"),
               _speech("small", "a", 2, 0.2), _speech("small", "b", 3, 1.5, length="long")]
    assert "default by this measurement: big" in speech_default(results)  # none is fast
    results.append(_speech("small", "c", 0, 0.1, length="long"))  # small now RTF 0.08
    results[1] = _speech("big", "b", 1, 1.5, length="long")
    choice = speech_default(results)
    assert "default by this measurement: small (most accurate within RTF 0.1" in choice


def test_rows_markdown_and_the_doc_markers(tmp_path: Path) -> None:
    results = [
        _speech("whisper-x", "en0-clean", 1, 1.0),
        _speech("whisper-x", "en0-noise", 3, 1.0, condition="noise", noise="white-10 dB"),
        _speech("whisper-x", "fr0", 2, 1.0, language="fr", detected="fr",
                **{"language given": "no"}),
        BenchResult(case="clean0", bench="read_text", tool="read_text", model="ocr",
                    errors=1, length=50, seconds=0.5, tags={"kind": "clean",
                                                           "source": "rendered"}),
        BenchResult(case="cat", bench="photos", tool="classify_image", model="net",
                    hit1=True, hit5=True, output="tabby"),
        BenchResult(case="cat", bench="photos", tool="describe_image", model="composite",
                    named=False, output="a dog"),
    ]
    table = markdown(all_rows(results))
    assert "| `speech_to_text` | whisper-x | clean English, short (WAV) | 1 | WER 10.0 % |" in table
    assert "noise, 10 dB SNR (white, pink) | 1 | WER 30.0 %" in table
    assert "language detected | 1 | 1/1 right" in table
    assert "| `read_text` | ocr | clean rendered text" in table and "CER 2.0 %" in table
    assert "top-1 1/1, top-5 1/1" in table and "names the subject 0/1" in table
    doc = tmp_path / "tools.md"
    doc.write_text("# Tools\n\nintro\n")
    update_doc(doc, "first table")
    update_doc(doc, "second table")
    text = doc.read_text()
    assert text.count(DOC_START) == 1 and "second table" in text and "first" not in text
    assert text.startswith("# Tools\n\nintro") and text.rstrip().endswith(DOC_END)


def test_results_folder_and_its_html_page(tmp_path: Path) -> None:
    wav = tmp_path / "clip.wav"
    wav.write_bytes(b"RIFF")
    results = [_speech("whisper-x", "en0-clean", 2, 1.0).model_copy(
        update={"media": str(wav), "output": "heard <this>"})]
    summary = {"environment": {"date": "2026-01-01T00:00:00", "cores": 2, "cpu": "x86_64",
                               "python": "3.11", "load_average": [1.0]},
               "load_average_after": [1.5], "seconds": 3.0, "rows": [], "notes": ["a note"]}
    write_results(tmp_path, results, summary, all_rows(results))
    assert is_tool_bench(tmp_path) and not is_tool_bench(tmp_path / "nothing")
    assert json.loads((tmp_path / "summary.json").read_text())["notes"] == ["a note"]
    assert "WER 20.0 %" in (tmp_path / "table.md").read_text()
    page = write_tools_report(tmp_path).read_text()
    assert "en0-clean" in page and "heard &lt;this&gt;" in page  # escaped
    assert "<audio" in page and "2/10 errors" in page
