"""The speech benchmarks: speech_to_text (word error rate, real-time factor, language) for
each installed Whisper, and text_to_speech round trips (speak, transcribe, compare)."""

from __future__ import annotations

from pathlib import Path

from modalswitch.evals.tools_bench.records import (
    BenchCase,
    BenchContext,
    BenchResult,
    Progress,
    failed,
)
from modalswitch.evals.tools_bench.scoring import word_errors
from modalswitch.evals.tools_bench.speech_data import PIPER, Voice, speak
from modalswitch.evals.tools_bench.speech_sentences import ROUND_TRIP
from modalswitch.tools.generate.speech import TextToSpeech
from modalswitch.tools.understand.speech_to_text import (
    PACKAGED_BY_ACCURACY,
    TINY_EN,
    SpeechToText,
    installed,
)

TTS_VOICES = (
    PIPER,
    Voice("piper joe", "piper", None, 1.3),
    Voice("espeak-ng en-us", "espeak-ng", "en-us", 1.0),
    Voice("espeak-ng en-gb", "espeak-ng", "en-gb", 1.0),
    Voice("espeak-ng en-us+f3", "espeak-ng", "en-us+f3", 1.0),
)


def installed_whispers() -> list[str]:
    """The packaged Whisper models on this machine, most accurate first."""
    return [m for m in PACKAGED_BY_ACCURACY if installed(m)]


def transcribe(bench: BenchContext, tool: SpeechToText, case: BenchCase,
               given_language: bool = False) -> BenchResult:
    """One recording through one Whisper, scored against what was said; the language is
    detected unless `given_language`."""
    assert case.media is not None
    audio = bench.load(case.media)
    language = case.tags.get("language", "en")
    try:
        run = bench.measure(tool, case.id, audio=audio,
                            language=language if given_language else None)
    except Exception as exc:  # a failure is a result to report, not the end of the bench
        return failed(case, tool.name, tool.checkpoint, exc)
    out = run.output
    result = BenchResult(case=case.id, bench=case.bench, reference=case.reference,
                         tool=tool.name, model=out.model, output=out.text,
                         seconds=run.seconds, cpu_s=run.cpu_s,
                         media_s=float(audio.meta.get("duration_s") or 0.0),
                         tags=case.tags | {"detected": out.language,
                                           "language given": "yes" if given_language else "no"},
                         media=case.media)
    return result.scored(word_errors(case.reference, out.text, language))


def run_speech_to_text(bench: BenchContext, cases: list[BenchCase], models: list[str],
                       progress: Progress) -> list[BenchResult]:
    """Every case through every model (English-only models skip the other languages)."""
    results = []
    for model in models:
        tool = SpeechToText(model=model)
        mine = [c for c in cases if model != TINY_EN or c.tags.get("language") == "en"]
        if not mine:
            continue
        assert mine[0].media is not None
        bench.warm(tool, audio=bench.load(mine[0].media))
        for case in mine:
            results.append(transcribe(bench, tool, case))
            progress(f"{model} {case.id}")
        if model != TINY_EN:  # multilingual: what a caller who names the language gets
            for case in [c for c in mine if c.tags.get("language") != "en"]:
                results.append(transcribe(bench, tool, case, given_language=True))
                progress(f"{model} {case.id} (language given)")
    return results


def run_text_to_speech(bench: BenchContext, folder: Path, progress: Progress,
                       limit: int | None = None) -> list[BenchResult]:
    """Each voice speaks a few sentences; the default speech_to_text hears them back."""
    folder.mkdir(parents=True, exist_ok=True)
    listener = SpeechToText()
    speak(bench, "Warming up the voices.", PIPER, folder / "warm-up.wav")
    results: list[BenchResult] = []
    for v, voice in enumerate(TTS_VOICES):
        for i, text in enumerate(ROUND_TRIP[:limit]):
            case = BenchCase(id=f"tts{v}-{i}", bench="text_to_speech", reference=text,
                             tags=voice.tags)
            results.append(_round_trip(bench, listener, case, voice, folder))
            progress(case.id)
    return results


def _round_trip(bench: BenchContext, listener: SpeechToText, case: BenchCase, voice: Voice,
                folder: Path) -> BenchResult:
    tts = TextToSpeech()
    try:
        run = bench.measure(tts, case.id, text=case.reference, voice=voice.voice,
                            speed=voice.speed)
        spoken = run.output
        heard, _ = bench.timed(listener, case.id, audio=spoken.audio)
    except Exception as exc:
        return failed(case, tts.name, voice.label, exc)
    dest = folder / f"{case.id}.wav"
    dest.write_bytes(Path(spoken.audio.path).read_bytes())
    result = BenchResult(case=case.id, bench=case.bench, reference=case.reference,
                         tool=tts.name, model=f"{spoken.engine} {spoken.voice}",
                         output=heard.text,
                         seconds=run.seconds, cpu_s=run.cpu_s,
                         media_s=float(spoken.audio.meta.get("duration_s") or 0.0),
                         tags=case.tags | {"listener": heard.model}, media=str(dest))
    return result.scored(word_errors(case.reference, heard.text))
