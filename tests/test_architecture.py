"""The shape of the package: layers run one way, no import cycles, every folder a package.

Layers, top to bottom (docs/architecture.md):

    interfaces, cli, views, the public API (modalswitch/__init__)
    training            (may use evals)
    evals               (may use the runtime)
    agent               (the runtime: planners, plans, execution, trace)
    tools               (contract and runtime below the shipped tools)
    errors, settings    (the package root)

Every import counts, including those inside functions and under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROOTS = {"modalswitch": "modalswitch", "agent": "modalswitch.agent", "tools": "modalswitch.tools",
         "evals": "modalswitch.evals", "training": "modalswitch.training",
         "prompts": "modalswitch.prompts"}
TOP = ("modalswitch.cli", "modalswitch.interfaces", "modalswitch.views", "modalswitch.__main__")
RANKS = [("modalswitch.errors", 0), ("modalswitch.settings", 0), ("modalswitch.tools", 1),
         ("modalswitch.agent", 2), ("modalswitch.evals", 3), ("modalswitch.training", 4),
         *((name, 5) for name in TOP)]
TOOL_BASE = ("modalswitch.tools.contract", "modalswitch.tools.runtime", "modalswitch.tools.helpers")
TOOL_LEAVES = ("modalswitch.tools.understand", "modalswitch.tools.generate",
               "modalswitch.tools.transform", "modalswitch.tools.text", "modalswitch.tools.catalog",
               "modalswitch.tools.fakes")
ALLOWED: set[tuple[str, str]] = set()
"""Known exceptions (importer, imported): none."""
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for folder, package in ROOTS.items():
        for path in (REPO / folder).rglob("*.py"):
            parts = path.relative_to(REPO / folder).with_suffix("").parts
            name = ".".join([package, *(p for p in parts if p != "__init__")])
            found[name] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The project module an imported dotted name lives in."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([base] if base else [])])
            names = [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            target = _resolve(name)
            if target is not None and target != module:
                found.add(target)
    return found


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _rank(module: str) -> int:
    if module == "modalswitch":
        return 5  # the public API re-exports every layer
    best = max((prefix for prefix, _ in RANKS
                if module == prefix or module.startswith(prefix + ".")), key=len, default=None)
    if best is None:
        raise AssertionError(f"{module} belongs to no layer: add it to RANKS")
    return dict(RANKS)[best]


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_layers_run_one_way() -> None:
    upward = sorted((a, b) for a, targets in GRAPH.items() for b in targets
                    if _rank(b) > _rank(a) and (a, b) not in ALLOWED)
    assert not upward, "imports against the layers:\n" + "\n".join(f"{a} -> {b}"
                                                                  for a, b in upward)


def test_tool_infrastructure_never_imports_the_tools() -> None:
    wrong = sorted((a, b) for a, targets in GRAPH.items() for b in targets
                   if _under(a, TOOL_BASE) and _under(b, TOOL_LEAVES))
    assert not wrong, wrong


def test_no_import_cycles() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def connect(node: str) -> None:  # Tarjan, iteratively deep enough for this graph
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH[node]:
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in GRAPH:
        if module not in index:
            connect(module)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_every_folder_with_code_is_a_package() -> None:
    missing = sorted(str(path.parent.relative_to(REPO)) for path in MODULES.values()
                     if not (path.parent / "__init__.py").exists())
    assert not missing, missing


def test_modules_stay_small() -> None:
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines())
             for name, path in MODULES.items()}
    big = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert not big, big


def test_errors_live_in_one_module() -> None:
    stray = defaultdict(list)
    for name, path in MODULES.items():
        if name == "modalswitch.errors":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(b, ast.Name) and (b.id.endswith("Error") or b.id == "Exception")
                    for b in node.bases) and not node.name.startswith("_"):
                stray[name].append(node.name)
    assert not stray, dict(stray)


OPTIONAL = ["langchain_core", "llama_cpp", "torch", "transformers", "diffusers", "whisper",
            "sentence_transformers", "faster_whisper", "piper", "rapidocr", "onnxruntime", "cv2",
            "gguf", "peft", "mcp", "fastapi", "uvicorn", "ray", "opentelemetry", "textual"]


def test_public_api_imports_without_optional_extras() -> None:
    script = f"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {OPTIONAL!r}:
            raise ImportError("blocked optional dependency " + name)
sys.meta_path.insert(0, Block())
import modalswitch
for name in modalswitch.__all__:
    getattr(modalswitch, name)
from modalswitch.tools.catalog import default_registry
assert len(default_registry()) >= 20
print("ok")
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


def test_the_wheel_ships_every_module_and_data_file(tmp_path: Path) -> None:
    source = tmp_path / "src"  # a copy: building writes build/ beside the sources
    for name in [*ROOTS, "setup.py", "pyproject.toml", "README.md"]:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, source / name)
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                           "--no-build-isolation", "-w", str(tmp_path), str(source)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (wheel,) = tmp_path.glob("modalswitch-*.whl")
    shipped = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("modalswitch/")}
    expected = set()
    for folder, package in ROOTS.items():
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                rel = path.relative_to(REPO / folder)
                expected.add("/".join([*package.split("."), *rel.parts]))
    assert expected - shipped == set()
