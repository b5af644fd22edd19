"""The tutorial notebooks and scripts in examples/ run end to end in tiny mode.

Each notebook is executed with nbclient on the `python3` kernel of this interpreter (ipykernel
ships that kernelspec inside the venv, and jupyter_client starts it with `sys.executable`), with
`FASRGAN_TINY=1` and the kernel's own inline Matplotlib backend, as the docs build runs them;
each plain script runs as a subprocess. A failing cell fails the test. The notebooks are also
checked to be clean (no outputs in git), in sync with their scripts, to install the package
from the repository and to say how to switch on their tiny mode.
"""

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

EXAMPLES = ROOT / "examples"
_spec = importlib.util.spec_from_file_location("build_notebooks", EXAMPLES / "build_notebooks.py")
build_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_notebooks)
NAMES = build_notebooks.NAMES
# Figures each notebook shows (the docs render them): comparison; history, stages, score map.
FIGURES = {"01_upscale_quickstart": 1, "02_train_fasrgan": 3, "03_export_tflite": 0}


def _tiny_env(tmp_path, backend="Agg"):
    env = dict(os.environ)
    env.update(
        FASRGAN_TINY="1",
        FASRGAN_OUTPUT=str(tmp_path / "out"),
        KERAS_BACKEND="tensorflow",
        TF_CPP_MIN_LOG_LEVEL="3",
        MPLBACKEND=backend,
    )
    if backend is None:
        del env["MPLBACKEND"]
    return env


def _load(name):
    with open(EXAMPLES / f"{name}.ipynb") as f:
        return json.load(f)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_clean_and_has_colab_badge(name):
    nb = _load(name)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, name
    for cell in code:
        assert cell.get("outputs") == [], f"{name}: a cell has outputs; strip them"
        assert cell.get("execution_count") is None, f"{name}: a cell has an execution count"
    first_text = "".join(nb["cells"][0]["source"])
    assert build_notebooks.colab_url(name) in first_text
    install = "".join(code[0]["source"])
    repo = build_notebooks.repository_url()
    extra = "[litert]" if name == "03_export_tflite" else ""
    assert f'%pip install -q "keras-fasrgan{extra} @ git+{repo}"' in install  # not on PyPI
    assert 'find_spec("keras_fasrgan") is None' in install  # guarded
    assert "FASRGAN_TINY" in "".join(code[1]["source"])  # the parameter cell
    # The notebook tells how to switch tiny mode on (and, for training, a GPU runtime).
    assert "%env FASRGAN_TINY=1" in first_text and "**Tiny mode**" in first_text
    if "train" in name:
        assert "Change runtime type > GPU" in first_text


def test_notebooks_are_built_from_the_scripts():
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "build_notebooks.py"), "--check"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", NAMES)
def test_notebook_executes_in_tiny_mode(name, tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend, as the docs
    for key, value in _tiny_env(tmp_path, backend=None).items():
        monkeypatch.setenv(key, value)
    nb = nbformat.read(str(EXAMPLES / f"{name}.ipynb"), as_version=4)
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
    assert any((tmp_path / "out").iterdir()), f"{name} wrote nothing to FASRGAN_OUTPUT"
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert len(images) == FIGURES[name], f"{name}: {len(images)} figures shown, expected {FIGURES[name]}"


@pytest.mark.parametrize("name", NAMES)
def test_script_runs_in_tiny_mode(name, tmp_path):
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py")],
        cwd=tmp_path, env=_tiny_env(tmp_path), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert any((tmp_path / "out").iterdir())
