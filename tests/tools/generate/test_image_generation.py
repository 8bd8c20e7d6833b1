"""Text to image and image to image on diffusers, through the executor, on tiny checkpoints."""

from __future__ import annotations

from pathlib import Path

import pytest
from media_checks import artifact, run_plan
from PIL import Image

from modalswitch import Registry
from modalswitch.tools.generate import GenerateImage
from modalswitch.tools.transform import InstructEditImage, TransformImage


@pytest.fixture
def registry_sd(tiny_models, monkeypatch: pytest.MonkeyPatch) -> Registry:
    """Image tools with the tiny Stable Diffusion configured through the environment."""
    monkeypatch.setenv("MODALSWITCH_TEXT_TO_IMAGE_MODEL", str(tiny_models.stable_diffusion))
    monkeypatch.setenv("MODALSWITCH_INSTRUCT_EDIT_MODEL", str(tiny_models.instruct_pix2pix))
    return Registry([GenerateImage(), TransformImage(), InstructEditImage()])


def test_title_card_is_the_offline_default(home: Path) -> None:
    response = run_plan(Registry([GenerateImage()]), home,
                        [{"id": "s1", "tool": "generate_image",
                          "args": {"prompt": "a monarch butterfly on a thistle",
                                   "width": 320, "height": 200}}],
                        ["@s1.image", "@s1.model"])
    assert response.ok, response.text
    with Image.open(artifact(response, "s1")) as img:
        assert img.format == "PNG" and img.size == (320, 200)
        colours = img.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 50  # drawn, not a flat fill
    assert "title-card" in response.text


def test_diffusers_text_to_image_is_seeded(registry_sd: Registry, home: Path) -> None:
    args = {"prompt": "a red butterfly", "width": 72, "height": 64, "steps": 2, "seed": 7,
            "negative_prompt": "blurry", "guidance": 5.0}
    steps = [{"id": "a", "tool": "generate_image", "args": args},
             {"id": "b", "tool": "generate_image", "args": args},
             {"id": "c", "tool": "generate_image", "args": {**args, "seed": 8}}]
    response = run_plan(registry_sd, home, steps, ["@a.image", "@b.image", "@c.image", "@a.model"],
                        cache=False)
    assert response.ok, response.text
    a, b, c = (artifact(response, s) for s in "abc")
    with Image.open(a) as img:
        assert img.format == "PNG" and img.size == (72, 64)
    assert a.read_bytes() == b.read_bytes()  # same seed, same picture
    assert a.read_bytes() != c.read_bytes()
    assert "sd" in response.text  # the checkpoint it used is reported


def test_img2img_and_instruct_edit(registry_sd: Registry, home: Path, png: Path) -> None:
    steps = [{"id": "t", "tool": "transform_image",
              "args": {"image": "@input0", "prompt": "a watercolour", "strength": 0.5,
                       "steps": 2, "seed": 1}},
             {"id": "e", "tool": "edit_image",
              "args": {"image": "@t", "instruction": "make it blue", "steps": 2, "seed": 1}}]
    response = run_plan(registry_sd, home, steps, ["@t.image", "@e.image"], inputs=[png])
    assert response.ok, response.text
    for step in "te":
        with Image.open(artifact(response, step)) as img:
            assert img.format == "PNG"
            assert img.size == (32, 24)  # the input's size (already a multiple of 8)


def test_img2img_falls_back_to_the_text_to_image_checkpoint(registry_sd: Registry) -> None:
    tool = registry_sd.get("transform_image")
    assert tool.checkpoint == registry_sd.get("generate_image").checkpoint


def test_missing_checkpoint_is_one_clear_error(home: Path, png: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODALSWITCH_INSTRUCT_EDIT_MODEL", "timbrooks/instruct-pix2pix")
    response = run_plan(Registry([InstructEditImage()]), home,
                        [{"id": "e", "tool": "edit_image",
                          "args": {"image": "@input0", "instruction": "make it snow"}}],
                        ["@e.image"], inputs=[png])
    (failure,) = response.failures
    assert failure.error_type == "MissingModelError"
    assert "'edit_image'" in failure.message and "timbrooks/instruct-pix2pix" in failure.message
    assert "modalswitch models pull timbrooks/instruct-pix2pix" in failure.message
    assert "Traceback" not in failure.message


def test_a_folder_that_is_not_a_pipeline_is_a_missing_model(tmp_path: Path, home: Path) -> None:
    broken = tmp_path / "not-a-model"
    broken.mkdir()
    (broken / "README.md").write_text("nothing here")
    response = run_plan(Registry([GenerateImage(checkpoint=str(broken))]), home,
                        [{"id": "g", "tool": "generate_image", "args": {"prompt": "a cat"}}],
                        ["@g.image"])
    (failure,) = response.failures
    assert failure.error_type == "MissingModelError"
    assert str(broken) in failure.message and "models verify" in failure.message


def test_no_img2img_checkpoint_at_all(home: Path, png: Path) -> None:
    response = run_plan(Registry([TransformImage()]), home,
                        [{"id": "t", "tool": "transform_image",
                          "args": {"image": "@input0", "prompt": "snow"}}],
                        ["@t.image"], inputs=[png])
    (failure,) = response.failures
    assert failure.error_type == "MissingModelError"
    assert "MODALSWITCH_IMAGE_TO_IMAGE_MODEL" in failure.message
    assert "stabilityai/sd-turbo" in failure.message
