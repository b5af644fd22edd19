"""The benchmark page is generated from one run's JSON and the template, nothing else.

`results_quick.json` is the output of `python benchmarks/run_all.py --quick` (a small run).
"""

import copy
import json
import pathlib
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import page  # noqa: E402


@pytest.fixture(scope="module")
def results():
    return json.loads((pathlib.Path(__file__).parent / "results_quick.json").read_text())


def test_every_section_is_rendered_from_the_run(results, tmp_path):
    text = page.render(results, str(tmp_path))
    assert "$" not in text.replace("$KERAS", "")  # every placeholder was filled
    for name in ("machine", "bench_inference", "profile_tflite", "profile_rrdbnet",
                 "bench_train_step", "profile_train_step", "bench_tflite", "bench_cli",
                 "bench_tiled_upscale"):
        assert f"Measured {results[name]['date']}" in text, name
    m = results["machine"]
    assert f"**{m['peak_gflops']:.0f} GFLOP/s**" in text and m["cpu"] in text
    assert f"{m['cores']} x {m['flop_per_cycle']} x {m['ghz']:.2f} GHz" in text
    # Sentences and tables quote the run's figures.
    cli = results["bench_cli"]["engines"]["auto"]
    assert f"| `--engine auto` | {cli['first']:.1f} | {cli['second']:.1f} | " \
           f"{cli['second'] / cli['first']:.2f} |" in text
    config = results["bench_inference"]["configs"][0]
    assert f"**{config['auto']['engine']}** | {config['auto']['reason']}" in text
    train = results["bench_train_step"]["seconds"]
    assert f"{train['keras_tf_xla'] / train['pytorch_best']:.2f}x" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bench_backends.png", "bench_inference.png", "bench_tflite.png", "bench_train_step.png"]


def test_targets_table_marks_met_and_missed(results, tmp_path):
    text = page.render(results, str(tmp_path))
    rows = [ln for ln in text.split("## Targets")[1].split("\n## ")[0].splitlines()
            if ln.startswith("| ") and not ln.startswith("| target")]
    assert len(rows) >= 15
    marks = [ln.split(" | ")[-2] for ln in rows]
    assert set(marks) <= {"yes", "**no**", "reported"} and "**no**" in marks
    # Each target links to the section of the page that measures it or profiles why it is
    # missed, by the anchor MkDocs gives that heading.
    anchors = page.headings(text)
    links = [re.search(r"\[([^]]+)\]\(#([\w-]+)\) \|$", ln.rstrip()) for ln in rows]
    assert all(m and anchors.get(m.group(2)) == m.group(1) for m in links), rows
    assert page.headings("## Inference: `upscale()` against PyTorch eager\n### Where the "
                         "training step's time goes") == {
        "inference-upscale-against-pytorch-eager": "Inference: `upscale()` against PyTorch eager",
        "where-the-training-steps-time-goes": "Where the training step's time goes"}
    slower = copy.deepcopy(results)
    slower["bench_train_step"]["seconds"]["keras_tf_xla"] = \
        10 * slower["bench_train_step"]["seconds"]["pytorch_best"]
    row = next(ln for ln in page.render(slower, str(tmp_path)).splitlines()
               if ln.startswith("| one FASRGAN training step"))
    assert "| 10.00x | **no** | [Where the training step's time goes]" \
           "(#where-the-training-steps-time-goes) |" in row


def test_a_failed_benchmark_is_reported_and_the_rest_rendered(results, tmp_path):
    broken = copy.deepcopy(results)
    broken["bench_cli"] = {"error": "Traceback ...\nRuntimeError: boom", "date": "x"}
    del broken["profile_tflite"]
    text = page.render(broken, str(tmp_path))
    cli = text.split("## The command line")[1].split("\n## ")[0]
    assert "Not measured in this run" in cli and "RuntimeError: boom" in cli
    assert "profile_tflite did not run" in text
    assert f"Measured {results['bench_tiled_upscale']['date']}" in text


def test_the_template_holds_no_measured_number():
    template = (ROOT / "benchmarks" / "page_template.md").read_text()
    prose = re.sub(r"\$\w+", "", template)
    assert not re.findall(r"\d+\.\d+|\d+ ?%|\d+ ?(?:s|ms|GFLOP|GB|MB|MiB)\b", prose)
    names = [name for name, _ in page.split_template(template)]
    assert names[0] == "header" and "targets" in names and len(set(names)) == len(names)
