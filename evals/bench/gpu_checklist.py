"""A checklist for a machine with a GPU: every model-library tool on a real checkpoint.

    modalswitch bench --gpu-checklist [--only generate_image,bark_speech] [--out DIR]

Each check runs one tool on real inputs (photos shipped with scikit-image, speech made with
espeak-ng) with a real checkpoint on the GPU, and compares what comes out with what it
should be (the `expect` line, also in docs/tools.md). A check is skipped, with the reason,
when there is no CUDA GPU or its checkpoint is not on the machine (`modalswitch models pull
ID` fetches it; MODALSWITCH_ALLOW_DOWNLOAD=1 lets the check fetch it itself). Nothing here
runs on a CPU-only machine: it says so and stops.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from modalswitch.errors import MissingModelError
from modalswitch.evals.tools_bench.photos import skimage_file
from modalswitch.evals.tools_bench.records import BenchContext
from modalswitch.evals.tools_bench.scoring import names_any, word_errors
from modalswitch.evals.tools_bench.speech_data import ESPEAK_US, speak
from modalswitch.evals.tools_bench.speech_sentences import VOICEMAIL
from modalswitch.tools.contract.tool import Tool
from modalswitch.tools.generate.bark import BarkSpeech
from modalswitch.tools.generate.image import GenerateImage
from modalswitch.tools.generate.sound import GenerateSound
from modalswitch.tools.generate.video import GenerateVideo
from modalswitch.tools.runtime.checkpoints import resolve
from modalswitch.tools.runtime.slots import allow_download
from modalswitch.tools.transform.image_editing import InstructEditImage, TransformImage
from modalswitch.tools.understand.captioning import AnswerImageQuestion, CaptionImage
from modalswitch.tools.understand.classify_image import ClassifyImage
from modalswitch.tools.understand.speech_to_text import SpeechToText
from modalswitch.tools.understand.whisper_openai import WhisperTranscribe

Verify = Callable[[Any, "Inputs"], str | None]
"""What is wrong with an output (None: nothing)."""


@dataclass
class Inputs:
    """The media the checks share, made once."""

    bench: BenchContext
    cat: Any
    coffee: Any
    voicemail: Any
    missing: dict[str, str] = field(default_factory=dict)
    """Why an input could not be made here ("photos", "speech"), so checks needing it skip."""


@dataclass(frozen=True)
class Check:
    """One tool, one real checkpoint, one input, and what must come out."""

    tool: str
    checkpoint: str
    expect: str
    make: Callable[[str], Tool[Any, Any]]
    args: Callable[[Inputs], dict[str, Any]]
    verify: Verify
    slot: str | None = None
    """The config slot the checkpoint is resolved in (None: not a hub checkpoint)."""
    needs: tuple[str, ...] = ("photos",)
    """The shared inputs it reads: "photos" (scikit-image's), "speech" (the voicemail)."""


@dataclass
class CheckResult:
    """How one check went: pass, fail or skip, and why."""

    tool: str
    checkpoint: str
    status: str
    detail: str
    seconds: float = 0.0


def _image_size(out: Any) -> tuple[int, int]:
    return int(out.image.meta.get("width", 0)), int(out.image.meta.get("height", 0))


def _same_size(out: Any, image: Any) -> str | None:
    got, want = _image_size(out), (int(image.meta["width"]), int(image.meta["height"]))
    close = all(abs(g - w) < 8 for g, w in zip(got, want, strict=True))  # multiples of 8
    return None if close else f"size {got}, input {want}"


def _real(out: Any, checkpoint: str) -> str | None:
    if getattr(out, "degraded", None) is not None:
        return "made a placeholder instead of using the model"
    model = getattr(out, "model", checkpoint)
    return None if checkpoint in model else f"reports model {model!r}, not {checkpoint!r}"


def _heard(inputs: Inputs, audio: Any, words: str, max_wer: float) -> str | None:
    heard = inputs.bench.timed(SpeechToText(), "check", audio=audio)[0].text
    rate = word_errors(words, heard).rate
    return None if rate <= max_wer else f"speech_to_text heard {heard!r} (WER {rate:.0%})"


def _audible(out: Any) -> str | None:
    import numpy as np
    import soundfile

    samples, _ = soundfile.read(str(out.audio.path))
    rms = float(np.sqrt(np.mean(np.square(samples)))) if len(samples) else 0.0
    return None if rms > 0.01 else f"nearly silent (RMS {rms:.4f})"


def _all(*problems: str | None) -> str | None:
    return next((p for p in problems if p), None)


CHECKS = (
    Check("caption_image", "Salesforce/blip-image-captioning-base",
          "a caption of chelsea.png that names a cat",
          lambda c: CaptionImage(c), lambda i: {"image": i.cat},
          lambda out, i: _all(_real(out, "blip"),
                              None if names_any(out.text, ["cat", "kitten"])
                              else f"caption {out.text!r} names no cat"), "image_captioning"),
    Check("answer_image_question", "Salesforce/blip-vqa-base",
          "'what is in the cup?' about coffee.png: coffee or espresso",
          lambda c: AnswerImageQuestion(c),
          lambda i: {"image": i.coffee, "question": "what is in the cup?"},
          lambda out, i: _all(_real(out, "blip"),
                              None if names_any(out.text, ["coffee", "espresso", "latte"])
                              else f"answer {out.text!r}"), "visual_qa"),
    Check("transcribe_openai_whisper", "base",
          "the voicemail (espeak-ng) word-perfect, language 'en'",
          lambda c: WhisperTranscribe(c), lambda i: {"audio": i.voicemail},
          lambda out, i: None if word_errors(VOICEMAIL, out.text).errors == 0
          and out.language == "en" else f"heard {out.text!r} ({out.language})",
          "openai_whisper", ("speech",)),
    Check("generate_image", "stabilityai/sd-turbo",
          "a 512x512 PNG from 1 step, made by the model (not a title card)",
          lambda c: GenerateImage(c),
          lambda i: {"prompt": "a red bicycle leaning on a wall", "steps": 1, "guidance": 0.0,
                     "width": 512, "height": 512, "seed": 1},
          lambda out, i: _all(_real(out, "sd-turbo"),
                              None if _image_size(out) == (512, 512)
                              else f"size {_image_size(out)}"), "text_to_image", ()),
    Check("transform_image", "stabilityai/sd-turbo",
          "chelsea.png redrawn at strength 0.5 in 2 steps, the input's size (to 8 px)",
          lambda c: TransformImage(c),
          lambda i: {"image": i.cat, "prompt": "a watercolour painting of a cat",
                     "strength": 0.5, "steps": 2, "guidance": 0.0, "seed": 1},
          lambda out, i: _all(_real(out, "sd-turbo"), _same_size(out, i.cat)), "image_to_image"),
    Check("edit_image", "timbrooks/instruct-pix2pix",
          "chelsea.png edited by 'make it a pencil sketch', the input's size (to 8 px)",
          lambda c: InstructEditImage(c),
          lambda i: {"image": i.cat, "instruction": "make it a pencil sketch", "steps": 10,
                     "seed": 1},
          lambda out, i: _all(_real(out, "pix2pix"), _same_size(out, i.cat)), "instruct_edit"),
    Check("bark_speech", "suno/bark-small",
          "'Hello, this is a test of the speech model.' spoken, heard back with WER <= 40 %",
          lambda c: BarkSpeech(c),
          lambda i: {"text": "Hello, this is a test of the speech model.", "seed": 1},
          lambda out, i: _all(_real(out, "bark"),
                              _heard(i, out.audio, "Hello, this is a test of the speech model.",
                                     0.4)), "bark", ()),
    Check("generate_sound", "facebook/musicgen-small",
          "4 s of 'calm piano melody' at 32 kHz, not silent",
          lambda c: GenerateSound(c),
          lambda i: {"prompt": "calm piano melody", "duration_s": 4.0, "seed": 1},
          lambda out, i: _all(_real(out, "musicgen"),
                              None if abs(float(out.audio.meta.get("duration_s", 0)) - 4) < 0.3
                              and out.sample_rate == 32000
                              else f"{out.audio.meta.get('duration_s')} s at {out.sample_rate} Hz",
                              _audible(out)),
          "text_to_audio", ()),
    Check("generate_video", "ali-vilab/text-to-video-ms-1.7b",
          "a 16-frame MP4 of 'a dog running on a beach', made by the model",
          lambda c: GenerateVideo(c),
          lambda i: {"prompt": "a dog running on a beach", "num_frames": 16, "steps": 20,
                     "seed": 1},
          lambda out, i: _all(_real(out, "text-to-video"),
                              None if out.frames == 16 else f"{out.frames} frames"),
          "text_to_video", ()),
    Check("classify_image", "efficientnet-lite0 (packaged)",
          "chelsea.png: a cat class first, on the GPU",
          lambda c: ClassifyImage(device="cuda"), lambda i: {"image": i.cat, "top_k": 5},
          lambda out, i: None if "cat" in out.labels[0].name or out.labels[0].name == "tabby"
          else f"top label {out.labels[0].name}"),
    Check("speech_to_text", "whisper-base (packaged), float16 on the GPU",
          "the voicemail word-perfect",
          lambda c: SpeechToText(device="cuda", compute_type="float16"),
          lambda i: {"audio": i.voicemail},
          lambda out, i: None if word_errors(VOICEMAIL, out.text).errors == 0
          else f"heard {out.text!r}", None, ("speech",)),
)


def gpu_missing() -> str | None:
    """Why the checklist cannot run here, or None when a CUDA GPU is usable."""
    try:
        import torch
    except ImportError:
        return "torch is not installed"
    if not torch.cuda.is_available():
        return "no CUDA GPU here (torch.cuda.is_available() is False)"
    return None


def _checkpoint_missing(check: Check) -> str | None:
    if check.slot is None or allow_download():
        return None
    try:
        resolve(check.tool, check.slot, check.checkpoint, download=False)
    except MissingModelError:
        return f"{check.checkpoint} is not here: modalswitch models pull {check.checkpoint}"
    return None


def _inputs(root: Path) -> Inputs:
    """The shared media; what cannot be made here is noted, and only checks needing it skip."""
    inputs = Inputs(BenchContext(root), None, None, None)
    cat, coffee = skimage_file("chelsea.png"), skimage_file("coffee.png")
    if cat is None or coffee is None:
        inputs.missing["photos"] = "no scikit-image photos: pip install 'modalswitch[bench]'"
    else:
        inputs.cat, inputs.coffee = inputs.bench.load(cat), inputs.bench.load(coffee)
    try:
        voicemail = speak(inputs.bench, VOICEMAIL, ESPEAK_US, root / "voicemail.wav")
    except Exception as exc:  # no espeak-ng here: the speech checks skip, the rest run
        inputs.missing["speech"] = f"no voicemail ({exc}): install espeak-ng"
    else:
        inputs.voicemail = inputs.bench.load(voicemail)
    return inputs


def run_check(check: Check, inputs: Inputs) -> CheckResult:
    """One check: run the tool, verify what it made."""
    missing = next((inputs.missing[n] for n in check.needs if n in inputs.missing), None)
    missing = missing or _checkpoint_missing(check)
    if missing:
        return CheckResult(check.tool, check.checkpoint, "skip", missing)
    tool = check.make(check.checkpoint)
    start = time.perf_counter()
    try:
        out, _ = inputs.bench.timed(tool, check.tool, **check.args(inputs))
        problem = check.verify(out, inputs)
    except Exception as exc:  # a crash is a failed check, the rest still run
        return CheckResult(check.tool, check.checkpoint, "fail",
                           f"{type(exc).__name__}: {exc}", time.perf_counter() - start)
    seconds = time.perf_counter() - start
    return CheckResult(check.tool, check.checkpoint, "fail" if problem else "pass",
                       problem or check.expect, seconds)


def llama_offload() -> CheckResult:
    """Whether the installed llama.cpp can put the planner's layers on the GPU."""
    try:
        import llama_cpp
    except ImportError:
        return CheckResult("planner (llama.cpp)", "n_gpu_layers", "skip",
                           "llama-cpp-python is not installed")
    if llama_cpp.llama_supports_gpu_offload():
        return CheckResult("planner (llama.cpp)", "n_gpu_layers", "pass",
                           "GPU offload supported: MODALSWITCH_GPU_LAYERS=auto puts all layers "
                           "on the GPU")
    return CheckResult("planner (llama.cpp)", "n_gpu_layers", "fail",
                       "this llama-cpp-python is a CPU build: CMAKE_ARGS=-DGGML_CUDA=on pip "
                       "install --force-reinstall --no-cache-dir llama-cpp-python==0.3.36")


def run_checklist(out: Path, only: list[str] | None = None) -> list[CheckResult]:
    """Every check (or those named), results also in OUT/gpu-checklist.json."""
    chosen = [c for c in CHECKS if not only or c.tool in only]
    why_not = gpu_missing()
    if why_not is not None:
        results = [CheckResult(c.tool, c.checkpoint, "skip", f"no GPU; expects {c.expect}")
                   for c in chosen]
    else:
        out.mkdir(parents=True, exist_ok=True)
        inputs = _inputs(out)
        results = [llama_offload()] + [run_check(c, inputs) for c in chosen]
    out.mkdir(parents=True, exist_ok=True)
    (out / "gpu-checklist.json").write_text(json.dumps([asdict(r) for r in results], indent=2),
                                            encoding="utf-8")
    return results


def expected_table() -> str:
    """The checks and what each must produce, as the Markdown table in docs/tools.md."""
    rows = ["| tool | checkpoint | expected |", "|---|---|---|"]
    rows += [f"| `{c.tool}` | {c.checkpoint} | {c.expect} |" for c in CHECKS]
    return "\n".join(rows)
