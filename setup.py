"""Package layout: one import package, `modalswitch`, whose subpackages are top-level folders.

Packages are discovered by walking the folders, so a new subpackage can never be left out
of the wheel: a folder with an __init__.py is a code package (tests/test_architecture.py
checks every folder with code has one); a folder of files below one (data/, trained/) is
shipped whole as a data package.
"""

from pathlib import Path

from setuptools import setup

ROOTS = {"modalswitch": "modalswitch", "modalswitch.agent": "agent",
         "modalswitch.tools": "tools", "modalswitch.evals": "evals",
         "modalswitch.training": "training", "modalswitch.prompts": "prompts"}
CODE_PACKAGE_DATA = ["*.md", "*.json", "py.typed"]
HERE = Path(__file__).parent


def discover() -> tuple[list[str], dict[str, str], dict[str, list[str]]]:
    """Every package under the roots, its folder, and the data files it ships."""
    names, dirs, data = [], {}, {}
    for name, folder in ROOTS.items():
        for path in sorted([HERE / folder, *(HERE / folder).rglob("*")]):
            if not path.is_dir() or "__pycache__" in path.parts:
                continue
            rel = path.relative_to(HERE / folder).parts
            package = ".".join((name, *rel))
            if (path / "__init__.py").exists():
                data[package] = CODE_PACKAGE_DATA
            elif any(p.is_file() for p in path.iterdir()):
                data[package] = ["*"]
            else:
                continue
            names.append(package)
            dirs[package] = str(path.relative_to(HERE))
    return names, dirs, data


PACKAGES, PACKAGE_DIR, PACKAGE_DATA = discover()
setup(packages=PACKAGES, package_dir=PACKAGE_DIR, package_data=PACKAGE_DATA)
