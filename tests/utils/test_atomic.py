"""`atomic_write`: permissions as any saved file, no trace of a killed or failed write."""

import os
import stat
import subprocess
import sys

import numpy as np
import pytest

from keras_fasrgan.utils import atomic_write
from keras_fasrgan.utils import write_image


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask():
    """Sets the process umask for one test and restores it."""
    saved = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(saved)


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_new_files_follow_the_umask(tmp_path, umask, mask):
    umask(mask)
    write_image(tmp_path / "out.png", np.zeros((2, 2, 3), np.uint8))
    with atomic_write(tmp_path / "out.json") as tmp:
        with open(tmp, "w") as f:
            f.write("{}")
    assert _mode(tmp_path / "out.png") == 0o666 & ~mask
    assert _mode(tmp_path / "out.json") == 0o666 & ~mask


def test_a_replaced_file_keeps_its_permissions(tmp_path, umask):
    umask(0o022)
    target = tmp_path / "shared.png"
    target.write_bytes(b"old")
    os.chmod(target, 0o664)
    write_image(target, np.zeros((2, 2), np.uint8))
    assert _mode(target) == 0o664 and target.read_bytes()[:4] == b"\x89PNG"


def test_a_failed_write_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError):
        with atomic_write(tmp_path / "out.png") as tmp:
            open(tmp, "wb").write(b"half")
            raise RuntimeError("crash")
    assert os.listdir(tmp_path) == []


def test_temporaries_of_killed_writers_are_removed_by_the_next_write(tmp_path):
    # A writer killed mid-write: its temporary names its process, which no longer runs.
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = int(proc.stdout)
    stale = tmp_path / f".photo.png.tmp-{dead}-abc123.png"
    stale.write_bytes(b"half")
    live = tmp_path / f".photo.png.tmp-{os.getppid()}-def456.png"  # a running process
    live.write_bytes(b"busy")
    other = tmp_path / f".other.png.tmp-{dead}-ghi789.png"  # another target: not ours
    other.write_bytes(b"x")
    write_image(tmp_path / "photo.png", np.zeros((2, 2, 3), np.uint8))
    assert sorted(os.listdir(tmp_path)) == sorted(["photo.png", live.name, other.name])
