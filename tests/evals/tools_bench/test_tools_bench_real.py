"""The issue's bar on the real packaged models: the voicemail word-perfect, clean rendered
text read almost exactly, and a small benchmark run end to end into its folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from modalswitch.evals.tools_bench import run_tool_bench
from modalswitch.evals.tools_bench.records import BenchContext
from modalswitch.evals.tools_bench.scoring import word_errors
from modalswitch.evals.tools_bench.speech_data import VOICES, speak
from modalswitch.evals.tools_bench.speech_sentences import VOICEMAIL
from modalswitch.tools.understand.speech_to_text import BASE, SpeechToText, installed

pytestmark = pytest.mark.real


@pytest.mark.skipif(not installed(BASE), reason="no whisper-base parts: "
                    "pip install 'modalswitch[whisper-base]'")
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")
def test_the_voicemail_is_word_perfect_with_the_default_model(tmp_path: Path) -> None:
    bench = BenchContext(tmp_path)
    audio = bench.load(speak(bench, VOICEMAIL, VOICES[0], tmp_path / "voicemail.wav"))
    out, _ = bench.timed(SpeechToText(), "voicemail", audio=audio)
    assert out.model.startswith("whisper-base") and out.language == "en"
    assert word_errors(VOICEMAIL, out.text).errors == 0, out.text


def test_clean_rendered_text_through_the_benchmark(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr")
    summary = run_tool_bench(tmp_path, ("read_text",), limit=4, engines=["rapidocr"])
    (clean,) = [r for r in summary["rows"] if r["test_set"].startswith("clean")]
    assert clean["cases"] == 4 and clean["rate"] <= 0.02, clean
    assert (tmp_path / "report.html").is_file() and (tmp_path / "table.md").is_file()
    results = [json.loads(line) for line in (tmp_path / "results.jsonl").open()]
    assert all(r["model"].startswith("PP-OCR") for r in results)
