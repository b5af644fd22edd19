"""Renders docs/benchmarks.md from one run's results and `page_template.md`.

The template holds the prose, split into sections by `%% section NAME` lines, with `$name`
placeholders; this module computes every placeholder from the run's JSON (tables, figures,
the numbers the sentences quote) and the list of targets. A section whose benchmark failed or
did not run is replaced by its heading and the error. Not a test; `tests/test_benchmarks_page.py`
renders a small results file.
"""

import os
import platform
import re
import string

from page_sections import SECTIONS
from page_sections import Targets

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "page_template.md")


def split_template(text):
    """`[(name, text)]` of the template's sections, in order."""
    sections, name, lines = [], None, []
    for line in text.splitlines():
        if line.startswith("%% section "):
            if name:
                sections.append((name, "\n".join(lines).strip("\n")))
            name, lines = line.split()[2], []
        else:
            lines.append(line)
    if name:
        sections.append((name, "\n".join(lines).strip("\n")))
    return sections


def headings(text):
    """`{anchor: title}` of the markdown headings in `text`, the anchor as MkDocs makes it
    (Python-Markdown's `toc` slugify of the title without its code marks)."""
    found = {}
    for line in text.splitlines():
        if re.match(r"#{1,6} ", line):
            title = line.lstrip("#").strip()
            words = re.sub(r"[^\w\s-]", "", title.replace("`", "")).strip().lower()
            found[re.sub(r"[-\s]+", "-", words)] = title
    return found


def _failed(text, error):
    heading = next((ln for ln in text.splitlines() if ln.startswith("#")), "## (section)")
    return f"{heading}\n\nNot measured in this run:\n\n```\n{str(error)[-3000:].strip()}\n```"


def render(results, img_dir, template=TEMPLATE):
    """The page as a string; figures are written into `img_dir` (linked as `img/NAME.png`)."""
    with open(template) as f:
        sections = split_template(f.read())
    targets = Targets()
    values = {"header": _header(results)}
    blocks = {}
    for name, _ in sections:
        if name in ("header", "targets", "notes"):
            continue
        builder, keys = SECTIONS[name]
        missing = [k for k in keys if k not in results]
        errors = [results[k]["error"] for k in keys if k in results and "error" in results[k]]
        if missing or errors:
            blocks[name] = errors[0] if errors else f"{', '.join(missing)} did not run"
            continue
        try:
            values[name] = builder(results, targets, img_dir)
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as e:
            blocks[name] = f"cannot render the results ({type(e).__name__}: {e})"
    anchors = headings("\n".join(text for _, text in sections))
    values["targets"] = {"targets_table": targets.markdown(anchors)}
    values["notes"] = {}
    out = []
    for name, text in sections:
        if name in blocks:
            out.append(_failed(text, blocks[name]))
        else:
            out.append(string.Template(text).substitute(values[name]))
    return "\n\n".join(out) + "\n"


def _header(results):
    return {
        "run_date": results["date"],
        "quick_note": " (`--quick`: small sizes, a smoke run)" if results.get("quick") else "",
        "run_minutes": f"{results['wall_seconds'] / 60:.0f}",
        "run_command": results.get("command", "python benchmarks/run_all.py"),
        "python": results.get("python", platform.python_version()),
        "versions": results["versions"],
    }


def write_page(results, docs_dir):
    """Renders the page into `docs_dir/benchmarks.md` (atomically) and its figures."""
    img = os.path.join(docs_dir, "img")
    os.makedirs(img, exist_ok=True)
    text = render(results, img)
    path = os.path.join(docs_dir, "benchmarks.md")
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)
    return path
