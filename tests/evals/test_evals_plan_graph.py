"""The plan as a layered graph, and its SVG drawing in the HTML report."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from modalswitch.evals.reports.html import write_report
from modalswitch.evals.reports.plan_graph import RESPONSE, place, plan_graph
from modalswitch.evals.reports.svg_dag import plan_svg

DAG = {"steps": [{"id": "s1", "tool": "ocr", "args": {"image": "@input0"}},
                 {"id": "s2", "tool": "caption", "args": {"image": "@input0"}},
                 {"id": "s3", "tool": "merge", "args": {"text": ["@s1.text", "@s2.text"]}},
                 {"id": "s4", "tool": "speak", "args": {"text": "@s3"}}],
       "outputs": ["@s3.text", "@s4.audio"]}


def test_layers_edges_and_what_flows_along_them() -> None:
    graph = plan_graph(DAG, [("sign.png", "image")], outputs={"s3": {"text": "text"}})
    assert graph.layers == [["@input0"], ["s1", "s2"], ["s3"], ["s4"], [RESPONSE]]
    labels = {(e.source, e.target): e.label for e in graph.edges}
    assert labels[("@input0", "s1")] == "image"
    assert labels[("s1", "s3")] == "text"  # the field's name is a modality
    assert labels[("s3", "s4")] == "text"  # a bare @s3: its primary output, from `outputs`
    assert labels[("s4", RESPONSE)] == "audio"
    assert graph.nodes[RESPONSE].modality == "text, audio"
    words = plan_graph({**DAG, "outputs": ["@s4.audio"], "answer": True}, [("a.png", "image")])
    assert words.nodes[RESPONSE].modality == "text, audio"  # the writer's words, then speech
    assert graph.nodes["s4"].caption() == "s4 speak → audio"
    assert graph.flows() == [["@input0", "s1", "s3", "s4", RESPONSE],
                             ["@input0", "s1", "s3", RESPONSE],
                             ["@input0", "s2", "s3", "s4", RESPONSE],
                             ["@input0", "s2", "s3", RESPONSE]]


def test_broken_plans_still_make_a_graph() -> None:
    broken = {"steps": [{"id": "a", "tool": "x", "args": {"v": "@b", "w": "@input3"}},
                        {"id": "b", "tool": "y", "args": {"v": "@a", "w": "@nowhere"}}],
              "outputs": ["@b"]}
    graph = plan_graph(broken, [])
    assert graph.nodes["nowhere"].kind == "missing" and graph.nodes["@input3"].kind == "missing"
    assert graph.layers[-1] == [RESPONSE]  # the cycle a <-> b stopped growing
    text_answer = plan_graph({"steps": [], "outputs": []}, [("a.png", "image")])
    assert text_answer.nodes[RESPONSE].caption() == "text answer: text"
    assert plan_graph(None).nodes == {}


def test_place_keeps_a_chain_straight_and_siblings_apart() -> None:
    layers = [["a"], ["b", "c"], ["d"]]
    parents = {"a": [], "b": ["a"], "c": ["a"], "d": ["b"]}
    widths = {"a": 10.0, "b": 6.0, "c": 6.0, "d": 4.0}
    left = place(layers, parents, widths, gap=2)
    assert left["b"] + widths["b"] + 2 <= left["c"]
    assert left["d"] + widths["d"] / 2 == left["b"] + widths["b"] / 2


def test_svg_has_a_box_per_node_and_an_arrow_per_edge() -> None:
    graph = plan_graph(DAG, [("sign.png", "image")], marks={"s2": "extra", "s4": "failed"})
    svg = plan_svg(graph, "predicted plan")
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    nodes = root.findall(".//s:g[@class]", ns)
    assert sorted(n.get("data-node") for n in nodes) == sorted(graph.nodes)
    assert len(root.findall(".//s:path[@marker-end]", ns)) == len(graph.edges)
    extra = next(n for n in nodes if n.get("data-node") == "s2").find("s:rect", ns)
    assert extra is not None and extra.get("stroke-dasharray")
    failed = next(n for n in nodes if n.get("data-node") == "s4").find("s:rect", ns)
    assert failed is not None and failed.get("stroke") == "#c62828"
    assert "s2 caption → text [extra]" in svg and ">audio<" in svg
    assert "no plan" in plan_svg(plan_graph(None), "predicted plan")


def test_report_draws_both_plans_of_every_case(executed_eval: Path, tmp_path: Path) -> None:
    html = write_report(executed_eval, tmp_path / "r.html").read_text()
    svgs = re.findall(r'<svg [^>]*class="dag"', html)
    assert len(svgs) == 2 * 7  # gold and predicted, seven cases
    speak = html[html.index("id='case-speak-back'"):]
    speak = speak[: speak.index("</article>")]
    assert "s2 fake_speak → audio" in speak  # the trace's modalities
    assert "@input0 memo.wav —audio→ s1 fake_transcribe —text→ s2 fake_speak —audio→ " \
           "response" in speak
