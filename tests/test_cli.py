import subprocess
import sys

from keras_fasrgan.cli import main


def test_help_lists_commands(capsys):
    assert main([]) == 2
    out = capsys.readouterr().out
    assert "fasrgan" in out and "info" in out


def test_info_runs(capsys):
    assert main(["info"]) == 0
    assert "keras_fasrgan" in capsys.readouterr().out


def test_console_entry_point_module():
    proc = subprocess.run(
        [sys.executable, "-m", "keras_fasrgan.cli", "--version"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    assert "keras_fasrgan" in proc.stdout
