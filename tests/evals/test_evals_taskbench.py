"""TaskBench: the catalog as a plan-only registry, the loader, plan conversion both ways, and
the scorer against answers worked out by hand from evaluate.py's definitions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from modalswitch import Modality, Plan, ToolError
from modalswitch.agent.plan import InputSpec, check_plan, plan_json_schema
from modalswitch.errors import DatasetError
from modalswitch.evals.datasets import load_dataset
from modalswitch.evals.datasets.load import detect_format
from modalswitch.evals.datasets.taskbench import (
    TaskBenchCatalog,
    extract_inputs,
    load_catalog,
    plan_to_taskbench,
    published_scores,
    taskbench_to_plan,
)
from modalswitch.evals.runner import run_eval
from modalswitch.evals.runner.planners import NoToolPlanner, OraclePlanner
from modalswitch.evals.scoring.counts import Counts
from modalswitch.evals.scoring.taskbench_metrics import content_type, extract, sample_counts
from modalswitch.tools.contract.fields import field_kind

TOOLS = [
    {"id": "Image Colorizer", "desc": "Adds color to a black and white image.",
     "input-type": ["image"], "output-type": ["image"]},
    {"id": "Image-to-Text", "desc": "Extracts text from an image (OCR).",
     "input-type": ["image"], "output-type": ["text"]},
    {"id": "Text-to-Audio", "desc": "Generates audio from text.",
     "input-type": ["text"], "output-type": ["audio"]},
    {"id": "Audio Effects", "desc": "Applies effects to audio.",
     "input-type": ["audio", "text"], "output-type": ["audio"]},
    {"id": "Image Search", "desc": "Searches images.", "input-type": ["text"],
     "output-type": ["Image"]},
    {"id": "Image Stitcher", "desc": "Stitches two images.", "input-type": ["image", "image"],
     "output-type": ["image"]},
    {"id": "Image Downloader", "desc": "Downloads an image from a URL.", "input-type": ["url"],
     "output-type": ["image"]},
]


def node(task: str, *args: Any) -> dict[str, Any]:
    return {"task": task, "arguments": list(args)}


@pytest.fixture
def tb_dir(tmp_path: Path) -> Path:
    """A tiny TaskBench-format folder."""
    folder = tmp_path / "tb"
    folder.mkdir()
    (folder / "tool_desc.json").write_text(json.dumps({"nodes": TOOLS}))
    samples = [
        {"id": "1", "type": "single", "n_tools": 1,
         "instruction": "Colorize my old photo 'example.jpg', please.",
         "task_nodes": [node("Image Colorizer", "example.jpg")], "task_links": []},
        {"id": "2", "type": "chain", "n_tools": 2,
         "instruction": "Read the text in example.png and turn it into audio.",
         "task_nodes": [node("Image-to-Text", "example.png"), node("Text-to-Audio", "<node-0>")],
         "task_links": [{"source": "Image-to-Text", "target": "Text-to-Audio"}]},
        {"id": "3", "type": "node", "n_tools": 1,
         "instruction": "Download https://example.com/cat.jpg for me",
         "task_nodes": [node("Image Downloader", "https://example.com/cat.jpg")],
         "task_links": []},
    ]
    (folder / "samples.jsonl").write_text("\n".join(json.dumps(s) for s in samples) + "\n")
    return folder


@pytest.fixture
def catalog(tb_dir: Path) -> TaskBenchCatalog:
    return load_catalog(tb_dir / "tool_desc.json")


# --- the catalog -------------------------------------------------------------------------

def test_catalog_becomes_a_typed_plan_only_registry(catalog: TaskBenchCatalog) -> None:
    reg = catalog.registry
    assert catalog.id_to_name["Image-to-Text"] == "image_to_text"
    stitcher = reg.get("image_stitcher")
    assert list(stitcher.Input.model_fields) == ["image", "image2"]
    assert stitcher.input_modalities == [Modality.IMAGE]
    effects = reg.get("audio_effects")
    assert [m.value for m in effects.input_modalities] == ["audio", "text"]
    downloader = reg.get("image_downloader")
    assert list(downloader.Input.model_fields) == ["url"]  # a URL is text to a plan
    assert downloader.input_modalities == [Modality.TEXT]
    assert field_kind(downloader.Input, "url").verbatim  # copied, never made up
    assert not field_kind(reg.get("image_to_text").Output, "text").verbatim
    assert catalog.output_type["Image Search"] == "Image"  # kept as published
    assert reg.get("image_search").output_modalities == [Modality.IMAGE]
    with pytest.raises(ToolError, match="plan-only"):
        downloader.run(downloader.Input(url="x"), None)  # type: ignore[arg-type]
    schema = plan_json_schema(reg)
    assert len(schema["properties"]["steps"]["items"]["anyOf"]) == len(TOOLS)


def test_real_catalog_has_forty_unique_tools(taskbench_sample: Path) -> None:
    cat = load_catalog(taskbench_sample / "tool_desc.json")
    assert len(cat.registry) == 40 == len(set(cat.registry.names))
    assert cat.id_to_name["Image Search (by Image)"] == "image_search_by_image"
    assert list(cat.registry.get("image_style_transfer").Input.model_fields) == ["image", "image2"]
    # the URL Extractor's result is a URL the downloaders may take
    assert field_kind(cat.registry.get("url_extractor").Output, "url").verbatim
    assert field_kind(cat.registry.get("audio_downloader").Input, "url").verbatim


def test_extract_inputs_skips_urls_and_repeats() -> None:
    found = extract_inputs("Use 'example.jpg' and example.wav; see https://example.com/x.png "
                           "and my notes.text, then example.jpg again, and clip.MP4")
    assert found == [InputSpec("example.jpg", Modality.IMAGE),
                     InputSpec("example.wav", Modality.AUDIO),
                     InputSpec("notes.text", Modality.TEXT),
                     InputSpec("clip.MP4", Modality.VIDEO)]
    assert extract_inputs("no files here, just words.") == []


# --- the loader --------------------------------------------------------------------------

def test_loader_reads_cases_inputs_and_gold(tb_dir: Path) -> None:
    assert detect_format(tb_dir) == "taskbench"
    assert detect_format(tb_dir / "samples.jsonl") == "taskbench"
    ds = load_dataset(tb_dir)
    assert ds.format == "taskbench" and [c.id for c in ds.cases] == ["1", "2", "3"]
    c1, c2, c3 = ds.cases
    assert c1.inputs == [InputSpec("example.jpg", Modality.IMAGE)]
    assert c1.gold.to_json() == ('{"steps":[{"id":"s1","tool":"image_colorizer","args":'
                                 '{"image":"@input0"}}],"outputs":["@s1"]}')
    assert (c2.shape, c2.n_tools) == ("chain", 2)
    assert c2.gold.steps[1].args == {"text": "@s1"}
    assert c3.shape == "single" and c3.inputs == []  # "node" is TaskBench's word for single
    assert c3.gold.steps[0].args == {"url": "https://example.com/cat.jpg"}
    assert c2.gold_taskbench == [node("Image-to-Text", "example.png"),
                                 node("Text-to-Audio", "<node-0>")]
    for case in ds.cases:
        assert check_plan(case.gold, ds.registry, case.inputs) == []


def test_loader_errors(tmp_path: Path, tb_dir: Path) -> None:
    (tb_dir / "samples.jsonl").unlink()
    with pytest.raises(DatasetError, match="no samples"):
        load_dataset(tb_dir)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "tool_desc.json").write_text("{}")
    (bad / "samples.jsonl").write_text("{}\n")
    with pytest.raises(DatasetError, match="tool_desc"):
        load_dataset(bad)


def test_real_sample_loads_with_published_counts(taskbench_sample: Path) -> None:
    ds = load_dataset(taskbench_sample)
    assert len(ds.cases) == 369
    shapes = [c.shape for c in ds.cases]
    assert (shapes.count("single"), shapes.count("chain"), shapes.count("dag")) == (175, 171, 23)
    sizes = [c.n_tools for c in ds.cases]
    assert (sizes.count(1), sizes.count(3), sizes.count(7)) == (174, 73, 7)


# --- conversion --------------------------------------------------------------------------

def test_plan_to_taskbench(catalog: TaskBenchCatalog) -> None:
    inputs = [InputSpec("example.wav", Modality.AUDIO), InputSpec("example.png", Modality.IMAGE)]
    plan = Plan.parse({"steps": [
        {"id": "a", "tool": "image_to_text", "args": {"image": "@input1"}},
        {"id": "b", "tool": "text_to_audio", "args": {"text": "@a.text"}},
        {"id": "c", "tool": "audio_effects", "args": {"text": "@@reverb", "audio": "@b"}},
    ]})
    assert plan_to_taskbench(plan, inputs, catalog) == [
        node("Image-to-Text", "example.png"),
        node("Text-to-Audio", "<node-0>"),
        node("Audio Effects", "<node-1>", "@reverb"),  # signature order, escape undone
    ]
    assert plan_to_taskbench(Plan(), inputs, catalog) == []


def test_taskbench_to_plan_keeps_irregular_arguments_as_literals(
        catalog: TaskBenchCatalog) -> None:
    nodes = [node("Image-to-Text", "example.png"),
             node("Text-to-Audio", "<node-1>"),            # itself (1-based writers)
             node("Audio Effects", "<node-1>", "reverb", "<node-9>"),
             node("Video Maker", "<node-0>")]              # not in the catalog
    inputs = [InputSpec("example.png", Modality.IMAGE)]
    plan = taskbench_to_plan(nodes, inputs, catalog)
    assert [s.tool for s in plan.steps] == ["image_to_text", "text_to_audio", "audio_effects",
                                            "Video Maker"]
    assert plan.steps[0].args == {"image": "@input0"}
    assert plan.steps[1].args == {"text": "<node-1>"}
    assert plan.steps[2].args == {"audio": "@s2", "text": "reverb", "arg3": "<node-9>"}
    assert plan.steps[3].args == {"arg1": "@s1"}
    back = plan_to_taskbench(plan, inputs, catalog)
    assert back == nodes


def test_round_trip_of_every_real_sample_scores_exactly(taskbench_sample: Path) -> None:
    ds = load_dataset(taskbench_sample)
    cat = ds.extra["catalog"]
    total = {m: Counts() for m in ("node", "edge", "arg_name", "arg_value")}
    for case in ds.cases:
        assert case.gold_taskbench is not None
        nodes = plan_to_taskbench(case.gold, case.inputs, cat)
        counts = sample_counts(case.gold_taskbench, nodes, cat.tool_ids, cat.output_type)
        for metric, c in counts.items():
            assert c.fp == 0 and c.fn == 0, (case.id, metric, c)
            total[metric] = total[metric] + c
    assert total["node"].tp > 800 and total["edge"].tp > 400


# --- the scorer ----------------------------------------------------------------------------

OUT_TYPE = {t["id"]: t["output-type"][0] for t in TOOLS}
IDS = [t["id"] for t in TOOLS]


def score(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> dict[str, list[int]]:
    return {k: c.as_list() for k, c in sample_counts(gold, pred, IDS, OUT_TYPE).items()}


def test_content_type_by_extension_anywhere_in_the_text() -> None:
    assert content_type("'photo.png'") == "image"
    assert content_type("https://example.com/cat.jpg") == "image"
    assert content_type("song.mp3") == "audio"
    assert content_type("clip.mp4") == "video"
    assert content_type("a cat on a mat") == "text"


def test_scorer_identical_and_empty() -> None:
    gold = [node("Image-to-Text", "example.png"), node("Text-to-Audio", "<node-0>")]
    assert score(gold, gold) == {"node": [2, 0, 0], "edge": [1, 0, 0], "arg_name": [2, 0, 0],
                                 "arg_value": [2, 0, 0]}
    assert score(gold, []) == {"node": [0, 0, 2], "edge": [0, 0, 1], "arg_name": [0, 0, 2],
                               "arg_value": [0, 0, 2]}
    assert score([], []) == {m: [0, 0, 0] for m in ("node", "edge", "arg_name", "arg_value")}


def test_scorer_names_references_by_output_type_and_tool() -> None:
    ex = extract([node("Image Search", "cats"), node("Image Colorizer", "<node-0>")], OUT_TYPE)
    assert ex.links == [("Image Search", "Image Colorizer")]
    assert ex.arg_names == ["Image Search-text", "Image Colorizer-Image"]
    assert ex.arg_values == ["Image Search-text-cats", "Image Colorizer-Image-Image Search"]
    unknown = extract([node("Mystery Tool", "x"), node("Image Colorizer", "<node-0>")], OUT_TYPE)
    assert unknown.arg_names[-1] == "Image Colorizer-other"


def test_scorer_sets_collapse_duplicate_tools() -> None:
    gold = [node("Image Colorizer", "a.jpg")]
    pred = [node("Image Colorizer", "a.jpg"), node("Image Colorizer", "b.jpg")]
    assert score(gold, pred) == {"node": [1, 0, 0], "edge": [0, 0, 0], "arg_name": [1, 0, 0],
                                 "arg_value": [1, 1, 0]}


def test_scorer_drops_unknown_tools_from_nodes_only() -> None:
    gold = [node("Image-to-Text", "x.png"), node("Text Enhancer", "<node-0>")]
    pred = [node("Image-to-Text", "x.png"), node("Text Enhancer", "<node-0>")]
    assert score(gold, pred)["node"] == [1, 0, 0]
    assert score(gold, pred)["edge"] == [1, 0, 0]
    assert score(gold, [node("Image-to-Text", "x.png")])["edge"] == [0, 0, 1]


def test_scorer_underscores_read_as_spaces_for_node_names() -> None:
    assert score([node("Image Colorizer", "a.jpg")], [node("Image_Colorizer", "a.jpg")])["node"] \
        == [1, 0, 0]


def test_scorer_dangling_and_malformed_references() -> None:
    # A reference to the node itself is skipped, out-of-range and malformed ones are
    # dropped: neither gives an edge or an argument.
    ex = extract([node("Image-to-Text", "x.png", "<node-0>"),
                  node("Text-to-Audio", "<node-7>"),
                  node("Audio Effects", "<node-0-output-1>", "reverb")], OUT_TYPE)
    assert ex.links == []
    assert ex.arg_names == ["Image-to-Text-image", "Audio Effects-text"]
    # Only the first "<node-" counts, and its index ends at the first ">".
    ex = extract([node("Image Search", "a"), node("Image Search", "b"),
                  node("Image Stitcher", "<node-0> and <node-1>")], OUT_TYPE)
    assert ex.links == [("Image Search", "Image Stitcher")]


def test_scorer_argument_shapes() -> None:
    ex = extract([{"task": "Image Stitcher", "arguments": [
        {"input": "Image Colorizer", "output": "image"}, ["a.png", "b.png"], 2]}], OUT_TYPE)
    assert ex.arg_values == ["Image Stitcher-text-Image Colorizer",
                             "Image Stitcher-image-a.png b.png"]  # the number is dropped
    as_string = extract([{"task": "Text-to-Audio", "arguments": "hello there"}], OUT_TYPE)
    assert as_string.arg_values == ["Text-to-Audio-text-hello there"]
    as_dict = extract([{"task": "Text-to-Audio", "arguments": {"text": "hi"}}], OUT_TYPE)
    assert as_dict.arg_values == ["Text-to-Audio-text-hi"]


def test_scorer_edges_from_references_not_task_links() -> None:
    gold = [node("Image-to-Text", "x.png"), node("Text-to-Audio", "<node-0>")]
    pred = [node("Text-to-Audio", "hello"), node("Image-to-Text", "x.png")]
    assert score(gold, pred) == {"node": [2, 0, 0], "edge": [0, 0, 1], "arg_name": [2, 0, 0],
                                 "arg_value": [1, 1, 1]}


def test_published_scores_are_parsed(taskbench_sample: Path, tb_dir: Path) -> None:
    rows = {r["llm"]: r for r in published_scores(taskbench_sample)}
    assert rows["gpt-4"]["node_f1"] == pytest.approx(0.909)
    assert rows["gpt-3.5-turbo"]["arg_value_f1"] == pytest.approx(0.408)
    assert published_scores(tb_dir) == []


# --- whole evals ---------------------------------------------------------------------------

def test_oracle_scores_one_and_none_zero_on_the_full_sample(taskbench_sample: Path,
                                                             tmp_path: Path) -> None:
    ds = load_dataset(taskbench_sample)
    oracle = run_eval(ds, OraclePlanner(), tmp_path / "oracle", workers=4)
    assert oracle["n"] == 369
    for key in ("node_f1", "edge_f1", "arg_name_f1", "arg_value_f1"):
        assert oracle[key] == 1.0, key
    for shape in ("single", "chain", "dag"):
        assert oracle["by_shape"][shape]["node_f1"] == 1.0
    # Gold graphs that break the catalog's own types are scored but are not valid plans.
    assert 0.8 < oracle["validity"] < 0.9
    baseline = run_eval(ds, NoToolPlanner(), tmp_path / "none", workers=4)
    assert baseline["node_f1"] == 0.0 and baseline["arg_value_f1"] == 0.0
    assert baseline["node_recall"] == 0.0 and baseline["node_precision"] is None
    line = (tmp_path / "oracle" / "results.jsonl").read_text().splitlines()[0]
    assert json.loads(line)["taskbench_nodes"]


def test_taskbench_cannot_be_executed(tb_dir: Path, tmp_path: Path) -> None:
    from modalswitch import UserError

    with pytest.raises(UserError, match="plan-only"):
        run_eval(load_dataset(tb_dir), OraclePlanner(), tmp_path / "x", execute=True)
