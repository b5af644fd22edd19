"""`fasrgan recognition` and `recognition_errors` (the paper's Table II)."""

import json

import keras
import numpy as np
import pytest

from keras_fasrgan.cli import main
from keras_fasrgan.cli.recognition import RESNET_FILE
from keras_fasrgan.cli.recognition import center_crop
from keras_fasrgan.cli.recognition import read_labels
from keras_fasrgan.cli.recognition import recognition_errors
from keras_fasrgan.utils import write_image


class FakeClassifier:
    """Returns fixed scores and records what it was given."""

    def __init__(self, scores):
        self.scores = np.asarray(scores, dtype="float32")
        self.batches = []
        self.calls = 0

    def __call__(self, batch):
        self.batches.append(np.asarray(batch))
        out = self.scores[self.calls:self.calls + len(batch)]
        self.calls += len(batch)
        return out


def test_errors_for_forced_predictions():
    scores = np.zeros((3, 10))
    scores[0, 1] = 9  # label 1: top-1 right
    scores[1, [0, 5, 2]] = [9, 8, 7]  # label 2: third -> top-5 right, top-1 wrong
    scores[2, [0, 1, 2, 4, 5, 6, 3]] = [9, 8, 7, 6, 5, 4, 3]  # label 3: seventh -> both wrong
    images = [np.full((230, 240, 3), 100, np.uint8)] * 3
    fake = FakeClassifier(scores)
    r = recognition_errors(fake, images, [1, 2, 3], batch_size=2)
    assert r["top1"] == pytest.approx(2 / 3)
    assert r["top5"] == pytest.approx(1 / 3)
    assert r["count"] == 3 and r["predictions"] == [1, 0, 0]
    # the classifier saw 224x224 ResNet50-preprocessed batches (caffe: BGR minus ImageNet mean)
    assert [b.shape for b in fake.batches] == [(2, 224, 224, 3), (1, 224, 224, 3)]
    np.testing.assert_allclose(fake.batches[0][0, 0, 0], [100 - 103.939, 100 - 116.779, 100 - 123.68], atol=1e-4)
    with pytest.raises(ValueError, match="labels"):
        recognition_errors(fake, images, [1])


def test_center_crop_enlarges_small_images(rng):
    image = rng.integers(0, 256, (100, 150, 3)).astype(np.uint8)
    out = center_crop(image)
    assert out.shape == (224, 224, 3) and out.dtype == np.uint8
    big = rng.integers(0, 256, (300, 260, 3)).astype(np.uint8)
    np.testing.assert_array_equal(center_crop(big), big[38:262, 18:242])


def test_read_labels(tmp_path):
    path = tmp_path / "labels.txt"
    path.write_text("# comment\na.png 3\n\nb c.png 998  # space in name\n")
    assert read_labels(path) == [("a.png", 3), ("b c.png", 998)]
    path.write_text("a.png three\n")
    with pytest.raises(ValueError, match=":1:"):
        read_labels(path)


def _folders(tmp_path, rng, n=2):
    (tmp_path / "sr").mkdir()
    (tmp_path / "hr").mkdir()
    lines = []
    for i in range(n):
        hr = rng.integers(0, 256, (32, 32, 3)).astype(np.uint8)
        write_image(tmp_path / "hr" / f"im{i}.png", hr)
        write_image(tmp_path / "sr" / f"im{i}_SR.png", hr)
        lines.append(f"im{i}.png {i * 7}")
    (tmp_path / "labels.txt").write_text("\n".join(lines) + "\n")


def test_cli_with_random_weights(tmp_path, rng, capsys):
    _folders(tmp_path, rng)
    code = main(["recognition", "--sr-dir", str(tmp_path / "sr"), "--hr-dir", str(tmp_path / "hr"),
                 "--labels", str(tmp_path / "labels.txt"), "--weights", "random", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = json.loads(captured.out)
    assert report["count"] == 2 and report["scale"] == 4
    for kind in ("SR", "Bicubic", "HR"):
        for key in ("top1_error", "top5_error"):
            assert report[kind][key] in (0.0, 0.5, 1.0)
        assert report[kind]["top5_error"] <= report[kind]["top1_error"]
    # SR files are copies of HR: same images, same predictions
    assert report["SR"] == report["HR"]


def test_cli_errors(tmp_path, rng, capsys, monkeypatch):
    _folders(tmp_path, rng)
    argv = ["recognition", "--sr-dir", str(tmp_path / "sr"), "--hr-dir", str(tmp_path / "hr"),
            "--labels", str(tmp_path / "labels.txt")]

    def offline(*args, **kwargs):
        raise Exception("URL fetch failure on https://storage.googleapis.com/...: no network")

    monkeypatch.setattr(keras.applications, "ResNet50", offline)
    assert main(argv + ["--weights", "imagenet"]) == 2
    err = capsys.readouterr().err
    assert RESNET_FILE in err and ".keras" in err and "Traceback" not in err
    assert main(argv + ["--weights", str(tmp_path / "missing.h5")]) == 2
    assert "missing.h5" in capsys.readouterr().err
    (tmp_path / "bad.txt").write_text("im0.png x\n")
    assert main(argv[:-1] + [str(tmp_path / "bad.txt"), "--weights", "random"]) == 2
    assert "bad.txt:1" in capsys.readouterr().err
