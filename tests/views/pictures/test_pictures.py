"""Terminal pictures: the plan DAG in box characters, histograms, the modality flow."""

from __future__ import annotations

from modalswitch.evals.reports.plan_graph import plan_graph
from modalswitch.views.pictures.dag import draw_graph
from modalswitch.views.pictures.flow import modality_flow
from modalswitch.views.pictures.histogram import bar, histogram

CHAIN = {"steps": [{"id": "s1", "tool": "ocr", "args": {"image": "@input0"}},
                   {"id": "s2", "tool": "speak", "args": {"text": "@s1.text"}}],
         "outputs": ["@s2.audio"]}


def test_a_chain_is_a_straight_column_of_boxes() -> None:
    text = draw_graph(plan_graph(CHAIN, [("sign.png", "image")])).plain
    assert text == "\n".join([
        "┌──────────────────────────┐",
        "│ @input0 sign.png (image) │",
        "└─────────────┬────────────┘",
        "              │",
        "      ┌───────┴───────┐",
        "      │ s1 ocr → text │",
        "      └───────┬───────┘",
        "              │",
        "    ┌─────────┴────────┐",
        "    │ s2 speak → audio │",
        "    └─────────┬────────┘",
        "              │",
        "     ┌────────┴────────┐",
        "     │ response: audio │",
        "     └─────────────────┘",
    ])


def test_branches_join_and_long_edges_pass_through() -> None:
    plan = {"steps": [{"id": "s1", "tool": "ocr", "args": {"image": "@input0"}},
                      {"id": "s2", "tool": "label", "args": {"image": "@input0"}},
                      {"id": "s3", "tool": "merge", "args": {"a": "@s1.text", "b": "@s2.text"}}],
            "outputs": ["@s3.text", "@s1.text"]}
    lines = draw_graph(plan_graph(plan, [("a.png", "image")])).plain.splitlines()
    assert "┬" in lines[2] and lines[3].count("┐") == 1  # one input fans out to two steps
    merge_row = next(i for i, line in enumerate(lines) if "s3 merge" in line)
    assert "┴" in lines[merge_row - 1]  # s1 and s2 arrive at the top of s3's box
    ocr_column = lines[next(i for i, line in enumerate(lines) if "s1 ocr" in line) + 1].index("┬")
    assert lines[merge_row][ocr_column] == "│"  # s1 -> response runs past s3's layer
    assert all(len(line) <= 80 for line in lines)


def test_marks_colour_the_step_labels() -> None:
    graph = plan_graph(CHAIN, [("sign.png", "image")], marks={"s1": "ok", "s2": "missing"})
    text = draw_graph(graph)
    styles = {text.plain[span.start:span.end]: str(span.style) for span in text.spans}
    assert styles["s1 ocr → text"] == "green"
    assert styles["s2 speak → audio [missing]"] == "red"
    assert draw_graph(plan_graph(None)).plain == "no plan"


def test_modality_flow_follows_each_path() -> None:
    text = modality_flow(plan_graph(CHAIN, [("sign.png", "image")])).plain
    assert text.splitlines() == [
        "image ⇒ audio",
        "  @input0 sign.png ─image→ s1 ocr ─text→ s2 speak ─audio→ response"]


def test_histogram_counts_every_value_once() -> None:
    values = [0.01, 0.02, 0.02, 0.5, 0.9]
    text = histogram(values, "latency", bins=3).plain.splitlines()
    assert text[0] == "latency" and len(text) == 4
    assert [int(line.rsplit(" ", 1)[1]) for line in text[1:]] == [3, 1, 1]
    assert "ms" in text[1]  # under a second: milliseconds
    assert histogram([], "none").plain.endswith("no data")
    assert histogram([4.0, 4.0], "tokens", unit=" tok").plain.splitlines()[1].startswith("  4 tok")
    assert bar(1.0, 4) == "████" and bar(0.0, 4) == "    " and bar(0.001, 4) == "▏   "
