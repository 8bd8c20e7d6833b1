"""Token ids of (routed prompt with 3 retrieved demos, gold plan) for a 1.5B LoRA run.

Usage: build_data.py GGUF N_GENERATED OUT_DIR  (run from the repo root; writes OUT_DIR/data.npz)
"""
import random
import sys
import time
from pathlib import Path

import numpy as np
from transformers import AutoTokenizer

from modalswitch.agent.chat.transformers import end_of_turn, render_chat
from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import Plan
from modalswitch.agent.planners.canonical import canonical_plan
from modalswitch.agent.planners.llm import LLMPlanner
from modalswitch.agent.planners.retrieval import ExampleIndex
from modalswitch.agent.planners.shipped import EXAMPLE_INDEX, trained_file
from modalswitch.cli.train import HELD_OUT, held_out_requests
from modalswitch.evals.datasets.load import load_dataset
from modalswitch.evals.datasets.native import load_native
from modalswitch.evals.runner.planners import taskbench_demos
from modalswitch.tools.catalog import default_registry
from modalswitch.tools.contract.modality import Modality
from modalswitch.training.held_out import keep_apart
from modalswitch.training.lora import _NoLLM

GGUF = Path(sys.argv[1])
N_GENERATED = int(sys.argv[2])
OUT_DIR = Path(sys.argv[3])

t0 = time.time()
tok = AutoTokenizer.from_pretrained(str(GGUF.parent), gguf_file=GGUF.name)
print("tokenizer", time.time() - t0, flush=True)
reg = default_registry()
hand = load_native(Path("training/data/handwritten.jsonl")).cases + \
    load_native(Path("training/data/natural_pool.jsonl")).cases
gen = random.Random(0).sample(
    load_native(Path("evals/data/switch/train.jsonl")).cases, N_GENERATED)
cases = keep_apart(hand + gen, held_out_requests(list(HELD_OUT)))
print(len(hand) + len(gen), "->", len(cases), "after held-out", flush=True)
planner = LLMPlanner(_NoLLM(), reg, examples=ExampleIndex.load(trained_file(EXAMPLE_INDEX)))
tb = load_dataset("/work/shared/taskbench-multimedia")
demos = taskbench_demos()
tb_planner = LLMPlanner(_NoLLM(), tb.registry, examples=ExampleIndex.from_cases(demos))
jobs = [(planner, c.request, c.inputs, c.gold, "default") for c in cases]
for d in demos:
    specs = [InputSpec(n, Modality(m)) for n, m in d["inputs"]]
    jobs.append((tb_planner, d["request"], specs, Plan.parse(d["plan"]), "taskbench"))
eot = end_of_turn(tok)
rows, lens, kinds = [], [], []
for i, (p, req, inputs, gold, kind) in enumerate(jobs):
    prompt = render_chat(tok, p.messages(req, inputs))
    target = canonical_plan(gold, p.registry, inputs) + eot
    a = tok(prompt, add_special_tokens=False)["input_ids"]
    b = tok(target, add_special_tokens=False)["input_ids"]
    rows.append(np.array(a + b, np.int32))
    lens.append(len(a))
    kinds.append(kind)
    if i % 200 == 0:
        print(i, len(a), len(b), time.time() - t0, flush=True)
ids = np.concatenate(rows)
keep = np.unique(np.concatenate([ids, np.array(tok.all_special_ids, np.int32)]))
remap = np.full(len(tok), -1, np.int64)
remap[keep] = np.arange(len(keep))
OUT_DIR.mkdir(parents=True, exist_ok=True)
np.savez_compressed(OUT_DIR / "data.npz", ids=remap[ids].astype(np.int32),
                    offsets=np.cumsum([0] + [len(r) for r in rows]), prompt_lens=np.array(lens),
                    kinds=np.array(kinds), keep=keep)
print("examples", len(rows), "tokens", len(ids), "vocab kept", len(keep), time.time() - t0)
