"""The package's layout rules: short modules, networks apart from trainers, no import cycle."""

import ast
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "keras_fasrgan"


def _imports(path):
    """Every `keras_fasrgan...` module a file imports, at module level or inside functions."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in out if m.startswith("keras_fasrgan")}


def _importing(folder, forbidden, skip=()):
    bad = []
    for path in sorted((PACKAGE / folder).glob("*.py")):
        if path.name in skip:
            continue
        for module in _imports(path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(PACKAGE.parent)} imports {module}")
    return bad


def test_no_module_over_400_lines():
    long = {str(p.relative_to(PACKAGE.parent)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 400}
    assert not long, long


def test_networks_do_not_depend_on_trainers_training_or_conversion():
    # models/__init__ registers the trainers for the deprecation release (see _deprecated).
    bad = _importing("models", ("keras_fasrgan.trainers", "keras_fasrgan.training",
                                "keras_fasrgan.convert", "keras_fasrgan.loading"),
                     skip=("__init__.py", "_deprecated.py"))
    assert not bad, bad


def test_trainers_do_not_import_conversion_or_networks():
    """convert -> models -> trainers -> convert was a cycle; loading weights is loading.py's."""
    bad = _importing("trainers", ("keras_fasrgan.convert", "keras_fasrgan.models",
                                  "keras_fasrgan.training"))
    assert not bad, bad
    assert "keras_fasrgan.loading.load_generator_weights" in _imports(PACKAGE / "trainers" / "base.py")
