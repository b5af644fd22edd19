"""MkDocs hooks of the keras_fasrgan site (`hooks:` in mkdocs.yml).

- `on_config`: `repo_url` comes from pyproject.toml's `[project.urls]` `Repository`, the one
  place the repository URL is written (mkdocs.yml cannot read pyproject itself).
- `on_files`: the repository's CHANGELOG.md becomes the page `changelog.md`, and the tutorial
  notebooks of `examples/` become the pages `tutorials/<name>.md`, executed during the build
  so that a reader sees their outputs and figures without running anything. Each runs in the mode `DOCS_MODES` gives it (tiny mode where a full run would take
  minutes); the committed notebooks are never touched (they stay without outputs). Results are
  cached in `.cache/docs-notebooks/`, keyed by the notebook, the package's sources and this
  file, so `mkdocs serve` reruns a notebook only when something it depends on changed.
  `FASRGAN_DOCS_NOTEBOOKS=0` renders the notebooks without running them (quick previews).
- `on_post_build`: the built site must work offline and from a file: no page may load a
  script, stylesheet or image from the network, and no page may point to a file outside the
  repository. The build fails otherwise.
"""

import asyncio
import base64
import hashlib
import importlib.util
import json
import os
import re
import shutil
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples")
CACHE = os.path.join(ROOT, ".cache", "docs-notebooks")
# Mode of each notebook in the docs build: "full" where its full run takes seconds, "tiny"
# (FASRGAN_TINY=1) where a full run trains for minutes.
DOCS_MODES = {"01_upscale_quickstart": "full", "02_train_fasrgan": "tiny", "03_export_tflite": "full"}
CELL_TIMEOUT = 600
MAX_OUTPUT_LINES = 40


def _build_notebooks():
    """examples/build_notebooks.py as a module (the notebooks' names, the repository URL)."""
    spec = importlib.util.spec_from_file_location("build_notebooks", os.path.join(EXAMPLES, "build_notebooks.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- repository URL ----------------------------------------------------------------------------


def on_config(config, **kwargs):
    url = _build_notebooks().repository_url()
    config["repo_url"] = url
    config["repo_name"] = url.split("://", 1)[1].split("/", 1)[1]
    return config


# -- notebooks as pages ------------------------------------------------------------------------


def _sources_digest(name, mode):
    """What an executed notebook depends on: itself, its mode, the package and this hook."""
    digest = hashlib.sha256(f"{name}:{mode}".encode())
    paths = [os.path.join(EXAMPLES, f"{name}.ipynb"), os.path.abspath(__file__)]
    for folder, _, files in sorted(os.walk(os.path.join(ROOT, "keras_fasrgan"))):
        paths += [os.path.join(folder, f) for f in sorted(files) if not f.endswith(".pyc")]
    for path in paths:
        digest.update(path.encode())
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()[:16]


def _kernel_env(mode, output):
    env = dict(os.environ, FASRGAN_OUTPUT=output, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("MPLBACKEND", None)  # the kernel's inline backend draws the figures
    env["FASRGAN_TINY"] = "1" if mode == "tiny" else "0"
    return env


async def _execute(jobs):
    from nbclient import NotebookClient

    async def one(nb, mode, workdir):
        client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                resources={"metadata": {"path": workdir}})
        # The kernel's own stderr (TensorFlow's C++ start-up lines) goes to a log, not the
        # build's output; it is shown if the notebook fails.
        log = os.path.join(workdir, "kernel.log")
        with open(log, "w") as stderr:
            try:
                await client.async_execute(env=_kernel_env(mode, os.path.join(workdir, "out")),
                                           stdout=stderr, stderr=stderr)
            except Exception:
                with open(log) as f:
                    print(f"kernel log of {workdir}:\n" + f.read()[-3000:])
                raise

    await asyncio.gather(*(one(*job) for job in jobs))


def execute_notebooks(names, modes=None):
    """`{name: executed notebook}` for examples/<name>.ipynb, from the cache where it is fresh.

    Notebooks not in the cache run concurrently, each in its own kernel and temporary folder;
    a failing cell raises (nbclient's CellExecutionError), which fails the build.
    """
    import nbformat

    modes = modes or DOCS_MODES
    os.makedirs(CACHE, exist_ok=True)
    results, jobs, workdirs = {}, [], []
    for name in names:
        key = _sources_digest(name, modes[name])
        cached = os.path.join(CACHE, f"{name}-{key}.ipynb")
        if os.path.exists(cached):
            results[name] = nbformat.read(cached, as_version=4)
            continue
        nb = nbformat.read(os.path.join(EXAMPLES, f"{name}.ipynb"), as_version=4)
        workdir = tempfile.mkdtemp(prefix=f"docs-{name}-")
        workdirs.append(workdir)
        jobs.append((nb, modes[name], workdir))
        results[name] = (nb, cached)
    try:
        if jobs:
            asyncio.run(_execute(jobs))
    finally:
        for workdir in workdirs:
            shutil.rmtree(workdir, ignore_errors=True)
    for name, value in list(results.items()):
        if isinstance(value, tuple):
            nb, cached = value
            for old in os.listdir(CACHE):
                if old.startswith(f"{name}-"):
                    os.remove(os.path.join(CACHE, old))
            nbformat.write(nb, cached + ".tmp")
            os.replace(cached + ".tmp", cached)
            results[name] = nb
    return results


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_LOG_LINE = re.compile(r"^(INFO|WARNING):(tensorflow|absl):.*\n?", re.MULTILINE)  # TF's logger
_BADGE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\(([^)]*)\)")


def _text_block(text):
    lines = _LOG_LINE.sub("", _ANSI.sub("", text)).rstrip("\n").splitlines()
    if len(lines) > MAX_OUTPUT_LINES:
        half = MAX_OUTPUT_LINES // 2
        lines = lines[:half] + [f"... ({len(lines) - 2 * half} lines cut) ..."] + lines[-half:]
    return "```text\n" + "\n".join(lines) + "\n```\n"


def notebook_markdown(nb, name, repo, mode, executed=True):
    """A notebook as a Markdown page; returns `(markdown, {image file name: PNG bytes})`.

    The Colab badge (a remote image) becomes a text link beside links to the notebook and its
    script, followed by a note saying how the outputs on the page were made. Code cells are
    Python blocks, their printed output text blocks (stderr left out: TensorFlow and Keras
    warnings), their figures PNG files beside the page.
    """
    blob = f"{repo}/blob/main/examples"
    if not executed:
        how = "The notebook was not run for this build (`FASRGAN_DOCS_NOTEBOOKS=0`): no outputs."
    elif mode == "tiny":
        how = ("Its outputs come from a run in **tiny mode** (`FASRGAN_TINY=1`) during the "
               "docs build, on a CPU: the code is the notebook's, the numbers and pictures are "
               "those of the tiny run (see \"Tiny mode\" below for what it changes).")
    else:
        how = ("Its outputs come from a full run during the docs build, on a CPU (the "
               "machine that built this site).")
    parts, images = [], {}
    for index, cell in enumerate(nb.cells):
        source = cell.source
        if cell.cell_type == "markdown":
            if index == 0:
                source = _BADGE.sub(
                    lambda m: (f'!!! note "Notebook `examples/{name}.ipynb`"\n'
                               f"    [Open in Colab]({m.group(1)}) · [notebook]({blob}/{name}.ipynb)"
                               f" · [plain script]({blob}/{name}.py). {how}\n"),
                    source, count=1)
            parts.append(source + "\n")
            continue
        if cell.cell_type != "code":
            continue
        parts.append("```python\n" + source.rstrip() + "\n```\n")
        stdout = []
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                if output.get("name") == "stdout" and _LOG_LINE.sub("", output.get("text", "")):
                    stdout.append(output.get("text", ""))
                continue
            if stdout:
                parts.append(_text_block("".join(stdout)))
                stdout = []
            data = output.get("data", {})
            if "image/png" in data:
                file = f"{name}_{index:02d}_{len(images)}.png"
                images[file] = base64.b64decode(data["image/png"])
                parts.append(f"![output of cell {index}](img/{file})\n")
            elif "text/plain" in data:
                parts.append(_text_block(data["text/plain"]))
        if stdout:
            parts.append(_text_block("".join(stdout)))
    return "\n".join(parts), images


def on_files(files, config, **kwargs):
    from mkdocs.structure.files import File

    bn = _build_notebooks()
    repo = bn.repository_url()
    run = os.environ.get("FASRGAN_DOCS_NOTEBOOKS", "1") != "0"
    if run:
        notebooks = execute_notebooks(bn.NAMES)
    else:
        import nbformat

        notebooks = {n: nbformat.read(os.path.join(EXAMPLES, f"{n}.ipynb"), as_version=4) for n in bn.NAMES}
    with open(os.path.join(ROOT, "CHANGELOG.md"), encoding="utf-8") as f:
        files.append(File.generated(config, "changelog.md", content=f.read()))
    for name in bn.NAMES:
        markdown, images = notebook_markdown(notebooks[name], name, repo, DOCS_MODES[name], executed=run)
        files.append(File.generated(config, f"tutorials/{name}.md", content=markdown))
        for file, data in images.items():
            files.append(File.generated(config, f"tutorials/img/{file}", content=data))
    return files


# -- checks of the built site ------------------------------------------------------------------

_TAG = re.compile(r"<(script|link|img|iframe|source)\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""\b(src|href)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""", re.IGNORECASE)
_REL = re.compile(r"""\brel\s*=\s*["']?([^"'>]+)""", re.IGNORECASE)
LOADING_RELS = {"stylesheet", "preload", "modulepreload", "preconnect", "dns-prefetch", "icon", "prefetch"}
OUTSIDE = ("DESIGN.md", "../shared", "shared/data")


def check_site(site_dir):
    """Problems of a built site: remote resources a page loads, mentions of outside files."""
    problems = []
    for folder, _, names in os.walk(site_dir):
        for file in sorted(names):
            if not file.endswith(".html"):
                continue
            path = os.path.join(folder, file)
            page = os.path.relpath(path, site_dir)
            with open(path, encoding="utf-8") as f:
                html = f.read()
            for tag in _TAG.finditer(html):
                attr = _ATTR.search(tag.group(0))
                if not attr:
                    continue
                if tag.group(1).lower() == "link":
                    rel = _REL.search(tag.group(0))
                    if not rel or not set(rel.group(1).lower().split()) & LOADING_RELS:
                        continue  # a plain link (canonical, alternate...) loads nothing
                problems.append(f"{page}: loads {attr.group(2)} from the network ({tag.group(1)})")
            for word in OUTSIDE:
                if word in html:
                    problems.append(f"{page}: mentions {word}, a file outside the repository")
    return problems


def on_post_build(config, **kwargs):
    from mkdocs.exceptions import PluginError

    problems = check_site(config["site_dir"])
    if problems:
        raise PluginError("the site must work offline and stand alone:\n  " + "\n  ".join(problems))


if __name__ == "__main__":  # python docs/hooks/site.py: execute the notebooks, report the cache
    results = execute_notebooks(_build_notebooks().NAMES)
    print(json.dumps(sorted(os.listdir(CACHE)), indent=1))
