"""The benchmark's data makers: noise at the asked SNR, a room's tail, rendered text images,
the shipped photos, and the GPU checklist's behaviour on a machine without a GPU."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from modalswitch.evals.bench.gpu_checklist import CHECKS, expected_table, run_checklist
from modalswitch.evals.tools_bench.photos import PHOTOS, photo_cases
from modalswitch.evals.tools_bench.speech_data import add_noise, add_reverb
from modalswitch.evals.tools_bench.summary import DOC_END, DOC_START
from modalswitch.evals.tools_bench.text_images import ocr_cases, text_images
from modalswitch.tools.understand.classify_image import imagenet_classes


def test_noise_is_added_at_the_asked_snr() -> None:
    t = np.arange(16000) / 16000
    speech = 0.5 * np.sin(2 * np.pi * 220 * t)
    for colour in ("white", "pink"):
        noisy = add_noise(speech, 10.0, colour, "k")
        snr = 10 * np.log10(np.mean(speech**2) / np.mean((noisy - speech) ** 2))
        assert abs(snr - 10.0) < 0.1
    assert np.array_equal(add_noise(speech, 10, "white", "k"), add_noise(speech, 10, "white", "k"))


def test_reverb_adds_a_decaying_tail() -> None:
    click = np.zeros(8000)
    click[0] = 1.0
    wet = add_reverb(click, 8000, 0.5, "room")
    assert len(wet) == 8000 + 4000 - 1
    assert np.max(np.abs(wet)) == pytest.approx(1.0)
    early, late = np.abs(wet[100:1000]).mean(), np.abs(wet[3000:3900]).mean()
    assert early > 10 * late > 0  # it decays


def test_text_images_render_every_kind(tmp_path: Path) -> None:
    items = text_images()
    kinds = {item.kind for item in items}
    assert {"clean", "rotated", "blur", "noise", "low contrast", "sign", "receipt"} <= kinds
    assert sum(item.kind.startswith("clean") for item in items) >= 12
    cases = ocr_cases(tmp_path, limit=3)
    rendered = [c for c in cases if c.tags["source"] == "rendered"]
    assert len(rendered) == 3 and all(Path(c.media or "").is_file() for c in rendered)
    assert all(c.reference for c in cases)


def test_photo_labels_are_real_imagenet_classes() -> None:
    classes = set(imagenet_classes())
    for photo in PHOTOS:
        assert set(photo.accepted) <= classes, photo.file
        assert photo.words
    cases = photo_cases()
    if not cases:
        pytest.skip("scikit-image is not installed")
    assert all(Path(c.media or "").is_file() for c in cases)


def test_gpu_checklist_skips_clearly_without_a_gpu(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU: run `modalswitch bench --gpu-checklist`")
    results = run_checklist(tmp_path, only=["generate_image", "bark_speech"])
    assert [r.tool for r in results] == ["generate_image", "bark_speech"]
    assert all(r.status == "skip" and "no GPU" in r.detail for r in results)
    saved = json.loads((tmp_path / "gpu-checklist.json").read_text())
    assert saved[0]["checkpoint"] == "stabilityai/sd-turbo"
    table = expected_table()
    assert all(f"`{c.tool}`" in table for c in CHECKS)


def test_docs_show_the_checklist_and_the_benchmark_markers() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "tools.md").read_text("utf-8")
    assert expected_table() in doc  # what a GPU run must produce, as the code checks it
    assert DOC_START in doc and DOC_END in doc


def test_a_check_passes_fails_or_skips_with_the_reason(tmp_path: Path, png: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from modalswitch.errors import MissingModelError
    from modalswitch.evals.bench import gpu_checklist
    from modalswitch.evals.tools_bench.records import BenchContext
    from modalswitch.tools.fakes import FakeCaption

    bench = BenchContext(tmp_path)
    image = bench.load(png)
    inputs = gpu_checklist.Inputs(bench, image, image, None)

    def check(verify: gpu_checklist.Verify, slot: str | None = None) -> gpu_checklist.Check:
        return gpu_checklist.Check("fake_caption", "fake/model", "a caption",
                                   lambda c: FakeCaption(), lambda i: {"image": i.cat}, verify,
                                   slot)

    passed = gpu_checklist.run_check(check(lambda out, i: None), inputs)
    assert (passed.status, passed.detail) == ("pass", "a caption")
    failed = gpu_checklist.run_check(check(lambda out, i: f"said {out.text!r}"), inputs)
    assert failed.status == "fail" and "said 'a 32x24 picture" in failed.detail

    def absent(tool: str, slot: str, checkpoint: str, **_: object) -> Path:
        raise MissingModelError(tool, checkpoint, "not here")

    monkeypatch.setattr(gpu_checklist, "resolve", absent)
    monkeypatch.delenv("MODALSWITCH_ALLOW_DOWNLOAD", raising=False)
    skipped = gpu_checklist.run_check(check(lambda out, i: None, "image_captioning"), inputs)
    assert skipped.status == "skip" and "modalswitch models pull fake/model" in skipped.detail

    # a machine without espeak-ng skips only the checks that hear the voicemail
    inputs.missing["speech"] = "no voicemail: install espeak-ng"
    deaf = gpu_checklist.Check("fake_caption", "fake/model", "a caption", lambda c: FakeCaption(),
                               lambda i: {"image": i.cat}, lambda out, i: None, None,
                               ("speech",))
    unheard = gpu_checklist.run_check(deaf, inputs)
    assert (unheard.status, unheard.detail) == ("skip", "no voicemail: install espeak-ng")
    assert gpu_checklist.run_check(check(lambda out, i: None), inputs).status == "pass"


def test_the_checklist_command_exits_0_when_it_can_only_skip(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    from modalswitch.cli import main

    assert main(["bench", "--gpu-checklist", "--only", "generate_video",
                 "--out", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "gpu-checklist.json").read_text())[0]["status"] == "skip"
