"""Package layout: one import package, `modalswitch`, whose subpackages are top-level folders.

Packages are discovered by walking the folders, so a new subpackage can never be left out
of the wheel (tests/test_architecture.py checks every folder with code has an __init__.py).
"""

from pathlib import Path

from setuptools import setup

ROOTS = {"modalswitch": "modalswitch", "modalswitch.agent": "agent",
         "modalswitch.tools": "tools", "modalswitch.evals": "evals",
         "modalswitch.training": "training", "modalswitch.prompts": "prompts"}
DATA = ("*.md", "*.json", "*.jsonl", "*.txt", "*.npz", "*.gguf", "*.html", "*.css", "*.js",
        "py.typed")


def packages() -> tuple[list[str], dict[str, str], dict[str, list[str]]]:
    """Every package under the roots, its folder, and the data files it ships."""
    names, dirs, data = [], {}, {}
    here = Path(__file__).parent
    for name, folder in ROOTS.items():
        for init in sorted((here / folder).rglob("__init__.py")):
            package_dir = init.parent.relative_to(here)
            rel = package_dir.relative_to(folder).parts
            package = ".".join((name, *rel))
            names.append(package)
            dirs[package] = str(package_dir)
            # data folders (no __init__.py) below a package ship with it
            data[package] = [*DATA, *(f"{d.relative_to(init.parent)}/**/*"
                                      for d in init.parent.iterdir()
                                      if d.is_dir() and not (d / "__init__.py").exists()
                                      and d.name != "__pycache__")]
    return names, dirs, data


PACKAGES, PACKAGE_DIR, PACKAGE_DATA = packages()
setup(packages=PACKAGES, package_dir=PACKAGE_DIR, package_data=PACKAGE_DATA)
