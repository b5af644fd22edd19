"""Cheap checks of the documentation site (the full `mkdocs build --strict` runs in `make docs`).

- every page in mkdocs.yml's nav exists, and every API page is in the nav;
- every `::: module.object` in docs/api resolves (imports);
- every `fasrgan` subcommand has a section in docs/cli.md.
"""

import importlib
import re

import yaml

from conftest import ROOT

DOCS = ROOT / "docs"


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring `!!python/name:` tags (they need the packages imported)."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _nav_pages(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _nav_pages(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _nav_pages(value)


def _config():
    with open(ROOT / "mkdocs.yml") as f:
        return yaml.load(f, Loader=_Loader)


def test_every_nav_page_exists():
    pages = list(_nav_pages(_config()["nav"]))
    assert "index.md" in pages
    missing = [p for p in pages if not (DOCS / p).is_file()]
    assert not missing, f"mkdocs.yml nav lists missing pages: {missing}"


def test_every_api_page_is_in_the_nav():
    pages = set(_nav_pages(_config()["nav"]))
    api = {f"api/{p.name}" for p in (DOCS / "api").glob("*.md")}
    assert api, "docs/api has no pages"
    assert api <= pages, f"API pages not in the nav: {sorted(api - pages)}"


def _resolve(path):
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for name in parts[i:]:
            obj = getattr(obj, name)
        return obj
    raise ModuleNotFoundError(path)


def test_every_api_directive_resolves():
    directives = []
    for page in sorted((DOCS / "api").glob("*.md")):
        for match in re.finditer(r"^:::\s*([\w.]+)\s*$", page.read_text(), re.MULTILINE):
            directives.append((page.name, match.group(1)))
    assert len(directives) >= 10
    failures = []
    for page, path in directives:
        try:
            obj = _resolve(path)
        except (ImportError, AttributeError) as e:
            failures.append(f"{page}: {path}: {e}")
            continue
        if not (getattr(obj, "__doc__", None) or "").strip():
            failures.append(f"{page}: {path} has no docstring")
    assert not failures, "\n".join(failures)


def test_cli_page_documents_every_command():
    from keras_fasrgan.cli import COMMANDS

    text = (DOCS / "cli.md").read_text()
    missing = [c for c in COMMANDS if not re.search(rf"^## {c}$", text, re.MULTILINE)]
    assert not missing, f"docs/cli.md has no section for: {missing}"
