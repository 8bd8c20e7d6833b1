"""Text to audio: Bark speech and MusicGen music through the executor, on tiny checkpoints."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile
from media_checks import artifact, run_plan

from modalswitch import Registry
from modalswitch.settings import config_path
from modalswitch.tools.generate import BarkSpeech, GenerateSound
from modalswitch.tools.generate.bark import split_sentences


def test_bark_speaks_each_sentence_with_a_voice_preset(tiny_models, home: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODALSWITCH_BARK_MODEL", str(tiny_models.bark))
    config_path().write_text("[options.bark]\nsemantic_max_new_tokens = 8\n")
    long_text = ("hello world " * 12).strip() + ". " + ("what is this " * 12).strip() + "?"
    steps = [{"id": "a", "tool": "bark_speech", "args": {"text": long_text, "seed": 1}},
             {"id": "c", "tool": "bark_speech",
              "args": {"text": "Hello.", "voice": "v2/nobody"}}]
    response = run_plan(Registry([BarkSpeech()]), home, steps, ["@a", "@a.voice"])
    info = soundfile.info(str(artifact(response, "a")))
    assert info.samplerate == 24000 and info.channels == 1 and info.subtype == "PCM_16"
    assert info.duration > 0.25 + 2 * 0.1  # two pieces (over 220 chars) and a 0.25 s pause
    assert "v2/en_speaker_0" in response.text  # the only preset becomes the default
    (failure,) = response.failures
    assert failure.step == "c" and "unknown Bark voice 'v2/nobody'" in failure.message


def test_split_sentences_keeps_pieces_short() -> None:
    text = "One. Two! " + "word " * 80 + "end."
    pieces = split_sentences(text, max_chars=100)
    assert pieces[0] == "One. Two!"
    assert all(len(p) <= 100 for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_musicgen_makes_music_of_the_asked_length(tiny_models, home: Path) -> None:
    tool = GenerateSound(checkpoint=str(tiny_models.musicgen))
    response = run_plan(Registry([tool]), home,
                        [{"id": "m", "tool": "generate_sound",
                          "args": {"prompt": "happy piano music", "duration_s": 0.4,
                                   "guidance": 3.0, "seed": 5}}], ["@m.audio", "@m.sample_rate"])
    assert response.ok, response.text
    info = soundfile.info(str(artifact(response, "m")))
    assert info.samplerate == 8000
    assert info.duration == pytest.approx(0.4, abs=0.05)
    assert "8000" in response.text


def test_diffusers_audio_pipeline(tiny_models, home: Path) -> None:
    tool = GenerateSound(checkpoint=str(tiny_models.audioldm))
    response = run_plan(Registry([tool]), home,
                        [{"id": "a", "tool": "generate_sound",
                          "args": {"prompt": "rain and thunder", "duration_s": 0.5, "steps": 2,
                                   "negative_prompt": "music", "seed": 1}}], ["@a.audio"])
    assert response.ok, response.text
    info = soundfile.info(str(artifact(response, "a")))
    assert info.samplerate == 16000  # read from the pipeline's vocoder
    assert info.duration == pytest.approx(0.5, abs=0.05)
