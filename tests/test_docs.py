"""Cheap checks of the documentation site (the full `mkdocs build --strict` runs in `make docs`,
where docs/hooks/site.py also fails the build on any page that loads a remote resource or
mentions a file outside the repository).

- every page in mkdocs.yml's nav exists (or is made by the hook), every API page is in the nav;
- every `::: module.object` in docs/api resolves (imports), and every `fasrgan` subcommand has
  a section in docs/cli.md;
- the repository URL is written once (pyproject.toml) and every install line and Colab link
  uses it;
- no page, README or example mentions DESIGN.md or ../shared (nor does a docstring the API
  pages render);
- the site's scripts are served with it (no CDN), with their licences;
- licence, citation, changelog and the demo figure are in place.
"""

import importlib
import importlib.util
import inspect
import re

import pytest
import yaml

from conftest import ROOT

DOCS = ROOT / "docs"
OUTSIDE = ("DESIGN.md", "../shared", "shared/data")


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring `!!python/name:` tags (they need the packages imported)."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def hooks():
    return _module("docs_site_hooks", DOCS / "hooks" / "site.py")


@pytest.fixture(scope="module")
def build_notebooks():
    return _module("build_notebooks", ROOT / "examples" / "build_notebooks.py")


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


def _pages():
    """README, CHANGELOG and every Markdown page of docs/, as `{name: text}`."""
    pages = {p.name: p.read_text() for p in (ROOT / "README.md", ROOT / "CHANGELOG.md")}
    pages.update({str(p.relative_to(ROOT)): p.read_text() for p in sorted(DOCS.rglob("*.md"))})
    return pages


def _examples():
    """The tutorial scripts and notebooks (not their builder)."""
    return {p.name: p.read_text() for p in sorted((ROOT / "examples").glob("0*.*"))
            if p.suffix in (".py", ".ipynb")}


def test_every_nav_page_exists(build_notebooks):
    pages = list(_nav_pages(_config()["nav"]))
    assert "index.md" in pages
    generated = {f"tutorials/{n}.md" for n in build_notebooks.NAMES} | {"changelog.md"}
    missing = [p for p in pages if not (DOCS / p).is_file() and p not in generated]
    assert not missing, f"mkdocs.yml nav lists missing pages: {missing}"
    assert generated <= set(pages), "every notebook and the changelog have a page in the nav"


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


def _api_objects():
    directives = []
    for page in sorted((DOCS / "api").glob("*.md")):
        for match in re.finditer(r"^:::\s*([\w.]+)\s*$", page.read_text(), re.MULTILINE):
            directives.append((page.name, match.group(1)))
    return directives


def test_every_api_directive_resolves():
    directives = _api_objects()
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


def _statically_visible(path):
    """True when `a.b.Name` is defined or imported in module `a.b`'s source, as mkdocstrings
    (griffe, which reads the source) needs: a name served by a module `__getattr__` is not."""
    import ast

    as_path = ROOT / path.replace(".", "/")
    if as_path.with_suffix(".py").exists() or (as_path / "__init__.py").exists():
        return True  # a module itself
    module, _, name = path.rpartition(".")
    file = ROOT / (module.replace(".", "/") + ".py")
    if not file.exists():
        file = ROOT / module.replace(".", "/") / "__init__.py"
    names = set()
    for node in ast.parse(file.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return name in names


def test_every_api_directive_is_visible_to_mkdocstrings():
    hidden = [f"{page}: {path}" for page, path in _api_objects() if not _statically_visible(path)]
    assert not hidden, "name the defining module (lazy exports are invisible):\n" + "\n".join(hidden)


def test_cli_page_documents_every_command():
    from keras_fasrgan.cli import COMMANDS

    text = (DOCS / "cli.md").read_text()
    missing = [c for c in COMMANDS if not re.search(rf"^## {c}$", text, re.MULTILINE)]
    assert not missing, f"docs/cli.md has no section for: {missing}"


# -- one repository URL ------------------------------------------------------------------------


def test_repository_url_is_written_once_and_read_by_the_site(hooks, build_notebooks):
    url = build_notebooks.repository_url()
    assert url.startswith("https://github.com/"), url
    assert "repo_url" not in _config(), "mkdocs.yml must take repo_url from pyproject.toml"
    config = hooks.on_config({"repo_url": None, "repo_name": None})
    assert config["repo_url"] == url
    assert url.endswith("/" + config["repo_name"])


def test_every_install_line_uses_the_repository(build_notebooks):
    url = build_notebooks.repository_url()
    texts = {**_pages(), **_examples()}
    lines = [(name, line) for name, text in texts.items() for line in text.splitlines()
             if re.search(r"pip install\b.*keras-fasrgan", line)]
    assert len(lines) >= 8, lines  # README, getting started, FAQ, convert, the notebooks
    wrong = [f"{name}: {line.strip()}" for name, line in lines if f"@ git+{url}" not in line]
    assert not wrong, "install lines that do not install from the repository:\n" + "\n".join(wrong)


def test_every_colab_link_points_at_the_repository(build_notebooks):
    expected = {build_notebooks.colab_url(n) for n in build_notebooks.NAMES}
    found = set()
    for name, text in {**_pages(), **_examples()}.items():
        for link in re.findall(r"https://colab\.research\.google\.com/github/[^)\"'\s]+", text):
            assert link in expected, f"{name}: {link} is not a notebook of {build_notebooks.repository_url()}"
            found.add(link)
    assert found == expected


def test_the_notebooks_install_cell_is_built_from_the_repository_url(build_notebooks):
    url = build_notebooks.repository_url()
    cell = build_notebooks.install_cell("03_export_tflite", url)
    assert f'%pip install -q "keras-fasrgan[litert] @ git+{url}"' in cell
    assert 'find_spec("ai_edge_litert") is None' in cell
    other = build_notebooks.install_cell("01_upscale_quickstart", "https://example.org/o/r")
    assert '"keras-fasrgan @ git+https://example.org/o/r"' in other
    assert build_notebooks.colab_url("x", "https://example.org/o/r").endswith("/github/o/r/blob/main/examples/x.ipynb")


# -- every page true ---------------------------------------------------------------------------


def test_no_page_mentions_files_outside_the_repository():
    texts = {**_pages(), **_examples()}
    bad = [f"{name}: {word}" for name, text in texts.items() for word in OUTSIDE if word in text]
    assert not bad, "pages must state the facts and their sources instead:\n" + "\n".join(bad)


def test_no_rendered_docstring_mentions_files_outside_the_repository():
    bad = []
    for page, path in _api_objects():
        obj = _resolve(path)
        docs = [(path, inspect.getdoc(obj) or "")]
        if inspect.isclass(obj):
            docs += [(f"{path}.{n}", inspect.getdoc(m) or "") for n, m in vars(obj).items()
                     if not n.startswith("_") and callable(m)]
        bad += [f"api/{page}: {name} mentions {w}" for name, doc in docs for w in OUTSIDE if w in doc]
    assert not bad, "\n".join(bad)


def _package_docstrings():
    """(where, docstring) of every module, class and function of the package, from the source."""
    import ast

    paths = sorted((ROOT / "keras_fasrgan").rglob("*.py"))
    for path in paths + [ROOT / "keras_fasrgan_cli" / "__init__.py"]:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node, clean=True)
                if doc:
                    where = path.relative_to(ROOT).as_posix() + ":" + getattr(node, "name", "module")
                    yield where, doc


def _example_problems(where, doc):
    """Google-style examples render as code: an `Examples:` header, its lines indented below."""
    problems, header_indent = [], None
    for line in doc.splitlines():
        stripped, indent = line.strip(), len(line) - len(line.lstrip())
        if stripped == "Example:":
            problems.append(f"{where}: 'Example:' (use 'Examples:')")
        if stripped == "Examples:":
            header_indent = indent
        elif stripped.startswith(">>>") and (header_indent is None or indent <= header_indent):
            problems.append(f"{where}: '>>>' outside an indented Examples: block")
    return problems


def test_docstring_examples_render_as_code():
    bad = [p for where, doc in _package_docstrings() for p in _example_problems(where, doc)]
    assert not bad, "\n".join(bad)


def test_example_check_finds_unrendered_examples():
    assert _example_problems("m", "Example:\n>>> f()")  # both problems
    assert _example_problems("m", "Examples:\n>>> f()")
    assert not _example_problems("m", "Does x.\n\nExamples:\n    >>> f()\n    1")


def test_no_docstring_mentions_files_outside_the_repository():
    bad = [f"{where}: {w}" for where, doc in _package_docstrings()
           for w in (*OUTSIDE, "DESIGN ") if w in doc]
    assert not bad, "\n".join(bad)


def test_the_engine_choice_is_described_on_the_inference_page_only():
    """`upscale`'s engine choice is explained once (Inference > Engines); others link there."""
    inference = (DOCS / "inference.md").read_text()
    assert "### Engines" in inference and "resolve_engine" in inference
    rule = re.compile(r"(TFLite|XNNPACK|LiteRT)[^.\n]{0,60}(by default|AVX)"
                      r"|AVX[^.\n]{0,60}(Keras|TFLite)|engine[^.\n]{0,40}(TFLite|XNNPACK)[^.\n]{0,40}CPU")
    repeats = [name for name, text in {**_pages(), **_examples()}.items()
               if name not in ("docs/inference.md", "docs/benchmarks.md") and rule.search(text)]
    assert not repeats, f"pages that restate the engine rule instead of linking: {repeats}"
    for name in ("docs/cli.md", "docs/index.md", "docs/faq.md"):
        assert "inference.md#engines" in (ROOT / name).read_text(), name


# -- the site works offline --------------------------------------------------------------------


def test_site_scripts_are_served_with_the_site_with_their_licences():
    config = _config()
    scripts = list(config["extra_javascript"]) + list(config["extra"]["polyfills"])
    assert any("mathjax" in s for s in scripts) and any("mermaid" in s for s in scripts)
    notice = (ROOT / "NOTICE").read_text()
    for script in scripts:
        assert not re.match(r"(https?:)?//", script), f"{script} is loaded from the network"
        path = DOCS / script
        assert path.is_file(), script
        if "/vendor/" in script:
            assert path.stat().st_size > 1000, script
            assert (path.parent / "LICENSE").is_file(), f"{script}: its licence must sit beside it"
            assert path.parent.name in notice.lower(), f"NOTICE does not name {path.parent.name}"
    assert config["theme"]["font"] is False  # no web fonts
    assert "offline" in [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]


def test_check_site_finds_remote_resources_and_outside_files(hooks, tmp_path):
    (tmp_path / "api").mkdir()
    (tmp_path / "ok.html").write_text(
        '<link rel="canonical" href="https://example.org/ok.html"><script src="assets/x.js">'
        '</script><a href="https://github.com/o/r">repo</a><img src="img/a.png">')
    (tmp_path / "api" / "bad.html").write_text(
        '<script src="https://unpkg.com/mermaid@11/dist/mermaid.min.js"></script>'
        "<link href='//fonts.googleapis.com/css?family=Roboto' rel='stylesheet'>"
        '<img alt="badge" src="https://colab.research.google.com/assets/colab-badge.svg">'
        "<p>see DESIGN.md section 3</p>")
    problems = hooks.check_site(tmp_path)
    assert len(problems) == 4, problems
    assert all(p.startswith("api/bad.html: ") for p in problems)
    assert any("unpkg.com" in p for p in problems) and any("DESIGN.md" in p for p in problems)


def test_notebook_pages_show_outputs_and_no_remote_badge(hooks, build_notebooks):
    import base64

    import nbformat

    png = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
    url = build_notebooks.colab_url("02_train_fasrgan")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f"# Title\n\n[![Open In Colab](https://x/badge.svg)]({url})\nText."),
        nbformat.v4.new_code_cell("print('hi')\nfig", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="hi\n"),
            nbformat.v4.new_output("stream", name="stderr", text="UserWarning: noise\n"),
            nbformat.v4.new_output("execute_result", data={"image/png": png, "text/plain": "<Figure>"}),
        ]),
    ])
    page, images = hooks.notebook_markdown(nb, "02_train_fasrgan", build_notebooks.repository_url(), "tiny")
    assert "badge.svg" not in page and f"[Open in Colab]({url})" in page
    assert "tiny mode" in page and "```python\nprint('hi')\nfig\n```" in page
    assert "```text\nhi\n```" in page and "UserWarning" not in page and "<Figure>" not in page
    (name, data), = images.items()
    assert data.startswith(b"\x89PNG") and f"(img/{name})" in page
    assert set(hooks.DOCS_MODES) == set(build_notebooks.NAMES)


# -- licence, citation, changelog, figure --------------------------------------------------------


def test_licence_citation_and_changelog():
    assert "Apache License" in (ROOT / "LICENSE").read_text()[:200]
    assert 'license = { text = "Apache-2.0" }' in (ROOT / "pyproject.toml").read_text()
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    paper = cff["preferred-citation"]
    assert cff["license"] == "Apache-2.0" and paper["year"] == 2022 and paper["volume"] == 24
    assert (paper["start"], paper["end"]) == (1473, 1487)
    families = [a["family-names"] for a in paper["authors"]]
    assert families[0] == "Yan" and len(families) == 7
    for name in ("README.md", "docs/about.md"):  # the BibTeX entries say the same
        text = (ROOT / name).read_text()
        bibtex = text[text.index("@article{"):]
        assert paper["doi"] in bibtex and "1911.10773" in bibtex, name
        authors = re.search(r"author\s*=\s*\{([^}]*)\}", bibtex).group(1)
        assert [a.split(",")[0].strip() for a in re.split(r"\s+and\s+", authors)] == families, name
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(r"^## Unreleased$", changelog, re.M)
    assert re.search(r"^## 0\.1\.0 - \d{4}-\d\d-\d\d$", changelog, re.M)


def test_readme_and_home_page_show_the_demo_figure():
    figure = DOCS / "img" / "demo_comparison.png"
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "](docs/img/demo_comparison.png)" in (ROOT / "README.md").read_text()
    assert "](img/demo_comparison.png)" in (DOCS / "index.md").read_text()
