"""Builds the tutorial notebooks from the plain scripts beside them.

The scripts (`01_upscale_quickstart.py`, ...) are the source: cells are separated by `# %%`
lines (`# %% [markdown]` for text, written as `# ` comments), the "percent" format of
Jupytext, VS Code and Spyder. Each notebook gets an "Open in Colab" badge under its title and
a first code cell that installs the package only when it is not importable yet. Outputs are
never written, so the notebooks stay clean in git.

Usage: `python examples/build_notebooks.py` (rewrites the `.ipynb` files), or
`python examples/build_notebooks.py --check` (exit 1 if a notebook is out of date).
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = ("01_upscale_quickstart", "02_train_fasrgan_div2k", "03_export_tflite")
COLAB = "https://colab.research.google.com/github/keras-fasrgan/keras_fasrgan/blob/main/examples/{}.ipynb"
BADGE = "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({})"
INSTALL = (
    "# Install keras-fasrgan where it is missing (Colab); does nothing where it is importable.\n"
    "import importlib.util\n"
    "\n"
    'if importlib.util.find_spec("keras_fasrgan") is None:\n'
    "    %pip install -q keras-fasrgan"
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
    badge = BADGE.format(COLAB.format(name))
    cells[0] = ("markdown", f"{title}\n\n{badge}\n{rest}".rstrip())
    cells.insert(1, ("code", INSTALL))
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
