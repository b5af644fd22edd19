"""Builds the tutorial notebooks from the plain scripts beside them.

The scripts (`01_upscale_quickstart.py`, ...) are the source: cells are separated by `# %%`
lines (`# %% [markdown]` for text, written as `# ` comments), the "percent" format of
Jupytext, VS Code and Spyder. Each notebook gets an "Open in Colab" badge under its title and
a first code cell that installs the package (from the repository: it is not on PyPI) only when
it is not importable yet; both read the repository URL from pyproject.toml. Outputs are never
written, so the notebooks stay clean in git.

Usage: `python examples/build_notebooks.py` (rewrites the `.ipynb` files), or
`python examples/build_notebooks.py --check` (exit 1 if a notebook is out of date).
"""

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NAMES = ("01_upscale_quickstart", "02_train_fasrgan", "03_export_tflite")
# Extras a notebook needs beyond the base package, with a module that shows they are installed.
EXTRAS = {"03_export_tflite": ("litert", "ai_edge_litert")}
BADGE = "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({})"


def repository_url(pyproject=os.path.join(ROOT, "pyproject.toml")):
    """The `Repository` URL of pyproject.toml's `[project.urls]`: the one place it is written."""
    with open(pyproject, "rb") as f:
        text = f.read().decode("utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        match = re.search(r'^\s*Repository\s*=\s*"([^"]+)"', text, re.MULTILINE)
        if not match:
            raise ValueError(f"{pyproject}: no Repository in [project.urls]") from None
        return match.group(1).rstrip("/")
    return tomllib.loads(text)["project"]["urls"]["Repository"].rstrip("/")


def colab_url(name, repo=None):
    """Colab's link to `examples/<name>.ipynb` on the main branch of the repository."""
    path = (repo or repository_url()).split("://", 1)[1].split("/", 1)[1]  # owner/name
    return f"https://colab.research.google.com/github/{path}/blob/main/examples/{name}.ipynb"


def install_line(extra=None, repo=None):
    """The pip requirement that installs keras-fasrgan (with `extra`) from the repository."""
    return f'"keras-fasrgan{f"[{extra}]" if extra else ""} @ git+{repo or repository_url()}"'


def install_cell(name, repo=None):
    """First code cell: installs the package (and the notebook's extra) only where missing."""
    extra, module = EXTRAS.get(name, (None, None))
    modules = ["keras_fasrgan"] + ([module] if module else [])
    missing = " or ".join(f'importlib.util.find_spec("{m}") is None' for m in modules)
    return (
        "# Install keras-fasrgan from its repository where it is missing (Colab); does nothing\n"
        "# where it is importable. keras-fasrgan is not on PyPI.\n"
        "import importlib.util\n"
        "\n"
        f"if {missing}:\n"
        f"    %pip install -q {install_line(extra, repo)}"
    )


def parse_cells(text):
    """`[(cell_type, source)]` from a percent-format script."""
    cells, kind, lines = [], None, []

    def flush():
        source = "\n".join(lines).strip("\n")
        if kind is not None and source:
            cells.append((kind, source))

    for line in text.splitlines():
        if line.startswith("# %%"):
            flush()
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
        elif kind == "markdown":
            lines.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
        elif kind is not None:
            lines.append(line)
    flush()
    return cells


def build(name):
    """The notebook (a JSON-able dict, nbformat 4) for `examples/<name>.py`."""
    with open(os.path.join(HERE, f"{name}.py")) as f:
        cells = parse_cells(f.read())
    kind, first = cells[0]
    if kind != "markdown" or not first.startswith("# "):
        raise ValueError(f"{name}.py must start with a markdown cell holding a '# ' title")
    title, _, rest = first.partition("\n")
    repo = repository_url()
    badge = BADGE.format(colab_url(name, repo))
    cells[0] = ("markdown", f"{title}\n\n{badge}\n{rest}".rstrip())
    cells.insert(1, ("code", install_cell(name, repo)))
    nb_cells = []
    for i, (kind, source) in enumerate(cells):
        cell = {"cell_type": kind, "id": f"cell-{i:02d}", "metadata": {},
                "source": source.splitlines(keepends=True)}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        nb_cells.append(cell)
    return {
        "cells": nb_cells,
        "metadata": {
            "colab": {"provenance": []},
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def dumps(notebook):
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    stale = []
    for name in NAMES:
        path = os.path.join(HERE, f"{name}.ipynb")
        text = dumps(build(name))
        current = open(path).read() if os.path.exists(path) else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            with open(path + ".tmp", "w") as f:
                f.write(text)
            os.replace(path + ".tmp", path)
    for path in stale:
        print(("out of date: " if args.check else "wrote ") + path)
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
