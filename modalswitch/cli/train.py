"""`modalswitch train lora|router|data`: tune the planner, train the router, make the data.

    modalswitch train lora [--base embedded:qwen2.5-coder-0.5b|HF_ID|DIR] [--steps 100]
                           [--out runs/lora] [--data DIR] [--eval-limit 40] [--dtype auto]
                           [--restart] [--no-eval] [--held-out SET ...]
    modalswitch train router [--data DIR] [--out FILE.npz] [--epochs 400] [--held-out SET ...]
    modalswitch train data [--out DIR] [--seed 0] [--per-task N] [--eval-per-task N]
    modalswitch train examples FILE ... --out INDEX.npz [--held-out SET ...]

Nothing is learned from a request close to one of the evaluation sets (`--held-out`, by
default the natural dev and test sets and the core set; training/held_out.py says "close").

`train lora` resumes from OUT/checkpoint/ unless --restart; it writes OUT/adapter/ (peft),
OUT/adapter.gguf (llama.cpp LoRA: `LlamaCppChat(..., lora_path=...)`), OUT/train.json and,
unless --no-eval, OUT/dev-eval/ with the tuned planner's scores on the dev split.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from modalswitch.agent.chat.lora_adapter import PROMPTS
from modalswitch.cli.common import ERR, Subparsers
from modalswitch.errors import UserError
from modalswitch.evals.datasets.shipped import resolve_dataset, switch_data_dir
from modalswitch.training.dataset.shipped import training_extras

_ERR = ERR
HELD_OUT = ("natural-dev", "natural-test", "core")
"""The evaluation sets nothing is learned from by default (shipped names or .jsonl files)."""


def _add_held_out(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--held-out", nargs="*", default=list(HELD_OUT), metavar="SET",
                        help=f"evaluation sets (shipped names or .jsonl files): {what} whose "
                        "requests are close to theirs are left out (default: "
                        f"{' '.join(HELD_OUT)}; give none to keep everything)")


def _read_rows(path: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows of a .jsonl file, each with `keys` (DatasetError otherwise)."""
    from modalswitch.errors import DatasetError
    from modalswitch.evals.datasets.model import read_jsonl

    if not Path(path).is_file():
        raise DatasetError(f"{path}: no such file")
    rows = []
    for n, row in read_jsonl(Path(path)):
        if not isinstance(row, dict) or any(k not in row for k in keys):
            raise DatasetError(f"{path}:{n}: a case needs {', '.join(keys)}")
        rows.append(row)
    return rows


def held_out_requests(sets: list[str]) -> list[str]:
    """The requests of the held-out sets (files or shipped names)."""
    return [row["request"] for name in sets
            for row in _read_rows(str(resolve_dataset(name)), ("request",))]


def _apart(cases: list[Any], sets: list[str], what: str) -> list[Any]:
    """`cases` without those too close to a held-out request, saying how many went."""
    from modalswitch.training.held_out import keep_apart

    if not sets:
        return cases
    kept = keep_apart(cases, held_out_requests(sets))
    _ERR.print(f"{what}: {len(kept)} cases ({len(cases) - len(kept)} left out: too close "
               f"to a request of {', '.join(sets)})")
    return kept


def register(subparsers: Subparsers) -> None:
    """Add `train lora`, `train router` and `train data`."""
    from modalswitch.training.lora import DEFAULT_BASE, LoraConfig

    d = LoraConfig()
    train = subparsers.add_parser("train", help="tune the planner, train the router, "
                                  "generate the switching dataset")
    verbs = train.add_subparsers(dest="train_command", required=True)
    p = verbs.add_parser("lora", help="LoRA-tune a planner LLM on the switching dataset")
    p.add_argument("--base", default=DEFAULT_BASE,
                   help="embedded:qwen2.5-coder-0.5b (packaged GGUF), "
                        "embedded:qwen2.5-coder-1.5b, a Hugging Face id or a local folder")
    p.add_argument("--data", default=None, help="folder with train.jsonl and dev.jsonl")
    p.add_argument("--train-extra", nargs="*", default=[str(f) for f in training_extras()],
                   help="more training cases (default: the hand-written sets)")
    _add_held_out(p, "training cases")
    p.add_argument("--out", default=d.out)
    p.add_argument("--steps", type=int, default=d.steps)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--grad-accum", type=int, default=d.grad_accum)
    p.add_argument("--lr", type=float, default=d.lr)
    p.add_argument("--rank", type=int, default=d.rank)
    p.add_argument("--alpha", type=int, default=d.alpha)
    p.add_argument("--max-len", type=int, default=d.max_len)
    p.add_argument("--full-catalog-share", type=float, default=d.full_catalog_share,
                   help="share of examples offering all tools (the rest: a narrowed catalog)")
    p.add_argument("--prompt", default=d.prompt, choices=PROMPTS,
                   help="the planner prompt to learn: compact (no examples; the 0.5B's) or "
                        "examples (the untuned planner's, nearest solved examples and all)")
    p.add_argument("--lr-schedule", default=d.lr_schedule, choices=["constant", "cosine"])
    p.add_argument("--max-grad-norm", type=float, default=d.max_grad_norm,
                   help="clip gradients to this norm (0: off)")
    p.add_argument("--dtype", default=d.dtype, choices=["auto", "float32", "bfloat16"],
                   help="base weights (auto: bfloat16 where the hardware has it)")
    p.add_argument("--save-every", type=int, default=d.save_every)
    p.add_argument("--train-limit", type=int, default=None)
    p.add_argument("--generated-limit", type=int, default=None, metavar="N",
                   help="learn from N cases of the generated split, drawn at random with "
                   "--seed (default: all), so the hand-written ones weigh more")
    p.add_argument("--eval-limit", type=int, default=d.eval_limit,
                   help="dev cases scored at the end (0: all)")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--restart", action="store_true", help="ignore OUT/checkpoint")
    p.add_argument("--no-eval", action="store_true")
    p.add_argument("--no-gguf", action="store_true", help="skip the llama.cpp adapter export")
    p.set_defaults(func=cmd_train)

    x = verbs.add_parser("export", help="write a peft LoRA folder (trained anywhere, e.g. on "
                         "a GPU machine) as a GGUF adapter the embedded planners load")
    x.add_argument("folder", help="folder with adapter_config.json and "
                   "adapter_model.safetensors")
    x.add_argument("--base", required=True, help="the model it was trained on: "
                   "embedded:qwen2.5-coder-1.5b, embedded:qwen2.5-coder-0.5b, an id or folder")
    x.add_argument("--prompt", default="compact", choices=PROMPTS,
                   help="the planner prompt it was trained on (see `train lora --prompt`)")
    x.add_argument("--out", required=True, help="the .gguf file to write")
    x.set_defaults(func=cmd_train_export)

    r = verbs.add_parser("router", help="train the switching router head")
    r.add_argument("--data", default=None, help="folder with train/dev/test.jsonl")
    r.add_argument("--out", default=None, help="head file (default: the shipped one)")
    r.add_argument("--epochs", type=int, default=400)
    r.add_argument("--train-extra", nargs="*", default=[str(f) for f in training_extras()],
                   help="more training cases (default: the hand-written sets)")
    _add_held_out(r, "training cases")
    r.add_argument("--tune-on", nargs="*", default=["natural-dev"],
                   help="hand-written cases (files or shipped names) to tune the thresholds "
                   "on (default: the natural dev set; none: the generated dev split)")
    r.add_argument("--retune", action="store_true",
                   help="only tune the thresholds of the head at --out on --tune-on again, "
                   "keeping its weights (seconds; no training)")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_train_router)

    g = verbs.add_parser("data", help="generate the switching dataset's train/dev/test splits")
    g.add_argument("--out", default=None, help="folder (default: the shipped splits)")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--per-task", type=int, default=None,
                   help="train cases per task (dev and test get --eval-per-task)")
    g.add_argument("--eval-per-task", type=int, default=None)
    g.set_defaults(func=cmd_train_data)

    a = verbs.add_parser("adapt", help="adapt the planner to a tool catalog: synthesize "
                         "requests for it, index them, tune an adapter")
    a.add_argument("--catalog", required=True,
                   help="default, a TaskBench tool_desc.json (or its folder), or a tools.json")
    a.add_argument("--out", required=True, help="run folder (resumable)")
    a.add_argument("--requests", type=int, default=300)
    a.add_argument("--steps", type=int, default=60,
                   help="LoRA steps (0: synthesize and index only, for the untuned planners)")
    a.add_argument("--base", default=DEFAULT_BASE)
    a.add_argument("--synth-model", default="embedded:qwen2.5-coder-1.5b",
                   help="the chat model that writes the requests (backend:model)")
    a.add_argument("--seed", type=int, default=0)
    a.set_defaults(func=cmd_train_adapt)

    e = verbs.add_parser("examples", help="index solved cases for few-shot retrieval")
    e.add_argument("files", nargs="+", help="native .jsonl files of solved cases")
    e.add_argument("--out", required=True, help="the .npz index to write")
    _add_held_out(e, "indexed cases")
    e.set_defaults(func=cmd_train_examples)


@contextmanager
def training_progress(steps: int) -> Iterator[Callable[[int, float], None]]:
    """A live bar of LoRA steps and loss, shown from the first step on (not over loading,
    synthesis or an error before any step); in a log file, a line every five steps. Both
    count time from the first step, so minutes of synthesis do not inflate it."""
    if steps <= 0:  # nothing to tune (`train adapt --steps 0`): no bar either
        yield lambda step, loss: None
        return
    columns = (TextColumn("[bold]train[/bold]"), BarColumn(), MofNCompleteColumn(),
               TextColumn("loss {task.fields[loss]}"), TimeElapsedColumn())
    progress = Progress(*columns, console=_ERR, transient=False)
    task = progress.add_task("train", total=steps, loss="-", start=False)
    started = 0.0

    def on_step(step: int, loss: float) -> None:
        nonlocal started
        if not progress.live.is_started:
            progress.start()
            progress.start_task(task)
            started = time.perf_counter()
        progress.update(task, completed=step, loss=f"{loss:.3f}")
        if not _ERR.is_terminal and (step % 5 == 0 or step == steps):
            _ERR.print(f"step {step}/{steps} loss {loss:.3f} "
                       f"({time.perf_counter() - started:.0f}s)")

    try:
        yield on_step
    finally:
        if progress.live.is_started:
            progress.stop()


def cmd_train(args: argparse.Namespace) -> int:
    """Train (or resume), export the adapter, and score it on the dev split."""
    from modalswitch.evals.datasets.native import load_native
    from modalswitch.tools.catalog import default_registry
    from modalswitch.training.lora import LoraConfig, train_lora

    data = Path(args.data) if args.data else switch_data_dir()
    config = LoraConfig(base=args.base, data=str(data), out=args.out, steps=args.steps,
                        batch_size=args.batch_size, grad_accum=args.grad_accum, lr=args.lr,
                        rank=args.rank, alpha=args.alpha, max_len=args.max_len,
                        full_catalog_share=args.full_catalog_share, dtype=args.dtype,
                        prompt=args.prompt, lr_schedule=args.lr_schedule,
                        max_grad_norm=args.max_grad_norm,
                        save_every=args.save_every, eval_limit=args.eval_limit, seed=args.seed,
                        train_limit=args.train_limit)
    out = Path(config.out)
    if args.restart and (out / "checkpoint").exists():
        shutil.rmtree(out / "checkpoint")
    registry = default_registry()
    train = load_native(data / "train.jsonl").cases
    if args.generated_limit is not None and args.generated_limit < len(train):
        train = random.Random(args.seed).sample(train, args.generated_limit)
    train += [c for f in args.train_extra for c in load_native(Path(f)).cases]
    train = _apart(train, args.held_out, "train")
    with training_progress(config.steps) as on_step:
        summary = train_lora(config, registry, train, on_step=on_step,
                             log=lambda m: _ERR.print(m))
    model, tokenizer = summary.pop("model"), summary.pop("tokenizer")
    if not args.no_gguf:
        from modalswitch.training.gguf_export import export_gguf_adapter

        n = export_gguf_adapter(model, out / "adapter.gguf", base=config.base,
                                prompt=config.prompt)
        summary["gguf"] = str(out / "adapter.gguf")
        _ERR.print(f"wrote {out / 'adapter.gguf'} ({n} adapted weights)")
    if not args.no_eval:
        summary["dev"] = dev_eval(model, tokenizer, registry, data / "dev.jsonl",
                                  out / "dev-eval", args.eval_limit, config.prompt)
    print(json.dumps(summary, indent=1))
    return 0


def cmd_train_export(args: argparse.Namespace) -> int:
    """Write a peft adapter folder as a GGUF adapter recording its base and prompt."""
    from modalswitch.training.gguf_export import export_peft_folder

    n = export_peft_folder(Path(args.folder), Path(args.out), args.base, args.prompt)
    _ERR.print(f"wrote {args.out} ({n} adapted weights, base {args.base}, "
               f"prompt {args.prompt})")
    return 0


def dev_eval(model: Any, tokenizer: Any, registry: Any, dev_file: Path, out: Path,
             limit: int, prompt: str = "compact") -> dict[str, Any]:
    """The tuned planner's headline metrics on (the first `limit` cases of) the dev split."""
    from modalswitch.evals.datasets.native import load_native
    from modalswitch.evals.runner.planners import PlannerAdapter
    from modalswitch.evals.runner.run import run_eval
    from modalswitch.training.lora import tuned_planner

    dataset = load_native(dev_file)
    planner = PlannerAdapter(tuned_planner(model, tokenizer, registry, prompt=prompt),
                             name="lora")
    metrics = run_eval(dataset, planner, out, limit=limit or None, seed=0, workers=1,
                       registry=registry)
    keys = ("n", "validity", "modality_accuracy", "no_tool_accuracy", "node_f1", "edge_f1",
            "arg_value_f1", "plan_latency_p50_s")
    return {k: metrics.get(k) for k in keys}


def cmd_train_router(args: argparse.Namespace) -> int:
    """Train the router head on train, tune it on dev, and report dev and test scores."""
    from modalswitch.agent.planners.router import Router, RouterHead, default_head_path
    from modalswitch.evals.datasets.native import load_native
    from modalswitch.evals.scoring.routing import dataset_arrays, route_scores
    from modalswitch.tools.catalog import default_registry
    from modalswitch.training.router import train_router

    data = Path(args.data) if args.data else switch_data_dir()
    out = Path(args.out) if args.out else default_head_path()
    registry = default_registry()
    tune_on = [c for name in args.tune_on  # before the slow work
               for c in load_native(resolve_dataset(name)).cases]
    if args.retune:
        return _retune_router(out, tune_on, registry, args.json)
    train, dev = (load_native(data / f"{s}.jsonl").cases for s in ("train", "dev"))
    train += [c for f in args.train_extra for c in load_native(Path(f)).cases]
    train = _apart(train, args.held_out, "train")
    scores = {"dev": train_router(train, dev, registry, out, tune_on=tune_on,
                                  epochs=args.epochs, log=lambda m: _ERR.print(m))}
    test_file = data / "test.jsonl"
    if test_file.exists():
        test = load_native(test_file).cases
        head = RouterHead.load(out)
        x, y = dataset_arrays(test, registry, head.tool_names)
        scores["test"] = route_scores(Router(head), head.predict(x), y, test)
    _ERR.print(f"wrote {out}")
    if args.json:
        print(json.dumps(scores))
    else:
        for split, s in scores.items():
            print(split, " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                  for k, v in s.items()))
    return 0


def _retune_router(out: Path, tune_on: list[Any], registry: Any, as_json: bool) -> int:
    """`train router --retune`: new thresholds for a saved head, its weights kept."""
    from modalswitch.training.router import retune_router

    if not tune_on:
        raise UserError("--retune needs hand-written cases to tune on (--tune-on FILE...)")
    before, after = retune_router(out, tune_on, registry)
    if as_json:
        print(json.dumps({"before": before, "after": after, "tune_cases": len(tune_on)}))
    else:
        for name in after:
            print(f"{name}_threshold {before[name]:g} -> {after[name]:g}")
        _ERR.print(f"wrote {out} (tuned on {len(tune_on)} cases, weights kept)")
    return 0


def cmd_train_adapt(args: argparse.Namespace) -> int:
    """Synthesize, index and tune for a catalog."""
    from modalswitch.training.adapt import AdaptConfig, adapt

    with training_progress(args.steps) as on_step:
        result = adapt(AdaptConfig(catalog=args.catalog, out=args.out, requests=args.requests,
                                   steps=args.steps, base=args.base,
                                   synth_model=args.synth_model, seed=args.seed),
                       log=lambda m: _ERR.print(m), on_step=on_step)
    print(json.dumps(result, indent=1))
    return 0


def cmd_train_examples(args: argparse.Namespace) -> int:
    """Write a retrieval index of solved cases, held apart from evaluation sets."""
    from modalswitch.agent.planners.retrieval import ExampleIndex
    from modalswitch.training.held_out import held_apart

    rows = [row for f in args.files for row in _read_rows(f, ("request", "inputs", "plan"))]
    held_out = held_out_requests(args.held_out)
    index = ExampleIndex.from_cases(rows)
    keep = held_apart([r["request"] for r in rows], held_out, index.vectors)
    index = index.subset(keep)
    index.save(Path(args.out))
    _ERR.print(f"indexed {len(index.examples)} cases in {args.out}"
               + (f" ({keep.count(False)} left out: too close to a held-out request)"
                  if held_out else ""))
    return 0


def cmd_train_data(args: argparse.Namespace) -> int:
    """Generate and write the switching dataset's splits over the default registry."""
    from modalswitch.tools.catalog import default_registry
    from modalswitch.training.dataset.generate import PER_SPLIT, generate, write_splits

    out = Path(args.out) if args.out else switch_data_dir()
    registry = default_registry()
    splits = generate(registry, args.seed, args.per_task or PER_SPLIT["train"],
                      args.eval_per_task or PER_SPLIT["dev"])
    manifest = write_splits(splits, out, registry, args.seed)
    for split, info in manifest["splits"].items():
        _ERR.print(f"{split}: {info['cases']} cases, {info['no_tool']} no-tool, "
                   f"{info['multi_step']} multi-step, {len(info['tools'])} tools")
    missing = set(registry.names) - set(manifest["splits"]["train"]["tools"])
    if missing:
        _ERR.print(f"warning: no train case uses {', '.join(sorted(missing))}")
    print(str(out))
    return 0
