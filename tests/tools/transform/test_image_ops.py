"""Cheap PIL image edits through the executor: resize, crop, grid, convert."""

from __future__ import annotations

from pathlib import Path

import pytest
from media_checks import artifact, run_plan
from PIL import Image

from modalswitch import Registry
from modalswitch.tools.transform import ConvertImage, CropImage, ImageGrid, ResizeImage


@pytest.fixture
def ops() -> Registry:
    return Registry([ResizeImage(), CropImage(), ImageGrid(), ConvertImage()])


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "wide.png"
    img = Image.new("RGB", (200, 100), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, 100, 100))  # left half red, right half blue
    img.save(path)
    return path


def test_resize_crop_grid_convert(ops: Registry, home: Path, photo: Path) -> None:
    steps = [
        {"id": "r", "tool": "resize_image", "args": {"image": "@input0", "width": 50,
                                                      "height": 50}},
        {"id": "s", "tool": "resize_image", "args": {"image": "@input0", "scale": 0.5}},
        {"id": "c", "tool": "crop_image", "args": {"image": "@input0", "aspect": "1:1"}},
        {"id": "b", "tool": "crop_image", "args": {"image": "@input0", "left": 10, "top": 5,
                                                    "width": 40, "height": 30}},
        {"id": "g", "tool": "image_grid", "args": {"images": ["@r", "@s", "@c"], "cell": 64,
                                                    "gap": 2}},
        {"id": "j", "tool": "convert_image", "args": {"image": "@input0", "format": "jpeg",
                                                       "grayscale": True}},
    ]
    response = run_plan(ops, home, steps, ["@r", "@s", "@c", "@b", "@g", "@j"], inputs=[photo])
    assert response.ok, response.text
    sizes = {}
    for step in "rscbgj":
        with Image.open(artifact(response, step)) as img:
            sizes[step] = (img.format, img.size, img.mode)
    assert sizes["r"][1] == (50, 25)  # fitted inside 50x50, aspect kept
    assert sizes["s"][1] == (100, 50)
    assert sizes["c"][1] == (100, 100)
    assert sizes["b"][1] == (40, 30)
    assert sizes["g"][1] == (2 * 64 + 3 * 2, 2 * 64 + 3 * 2)  # 3 pictures: a 2x2 grid
    assert sizes["j"][0] == "JPEG" and sizes["j"][2] == "L"
    with Image.open(artifact(response, "c")) as img:
        # the centred square straddles the red/blue boundary
        assert img.getpixel((10, 50)) == (255, 0, 0) and img.getpixel((90, 50)) == (0, 0, 255)


def test_bad_crop_and_resize_arguments_fail_clearly(ops: Registry, home: Path,
                                                    photo: Path) -> None:
    steps = [{"id": "b", "tool": "crop_image", "args": {"image": "@input0", "left": 500}},
             {"id": "r", "tool": "resize_image", "args": {"image": "@input0"}}]
    response = run_plan(ops, home, steps, ["@b", "@r"], inputs=[photo])
    messages = {f.step: f.message for f in response.failures}
    assert "outside the 200x100 picture" in messages["b"]
    assert "give width, height or scale" in messages["r"]
