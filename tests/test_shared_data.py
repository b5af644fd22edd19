"""The `shared_data` helper of tests/conftest.py: a clone without ../shared skips the tests
that need it (naming the missing file), CI fails them."""

import pytest

import conftest
from conftest import shared_data

pytestmark = pytest.mark.multi_backend  # no Keras involved


@pytest.fixture
def fake_shared(tmp_path, monkeypatch):
    root = tmp_path / "shared" / "data"
    (root / "metrics").mkdir(parents=True)
    (root / "metrics" / "present.npz").write_bytes(b"x")
    monkeypatch.setattr(conftest, "SHARED_DATA", root)
    return root


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_missing_file_skips_outside_ci(fake_shared, monkeypatch, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match=r"metrics/absent\.npz is missing"):
        shared_data("metrics", "absent.npz")


@pytest.mark.parametrize("ci", ["true", "TRUE", "1", "yes"])
def test_missing_file_fails_under_ci(fake_shared, monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match=r"metrics/absent\.npz is missing.*under CI"):
        shared_data("metrics", "absent.npz")


def test_whole_folder_missing_skips(tmp_path, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(conftest, "SHARED_DATA", tmp_path / "no_shared" / "data")
    with pytest.raises(pytest.skip.Exception, match=r"no_shared/data/set5/HR is missing"):
        shared_data("set5", "HR")


@pytest.mark.parametrize("ci", ["true", ""])
def test_present_file_is_returned_in_both_modes(fake_shared, monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    assert shared_data("metrics", "present.npz") == fake_shared / "metrics" / "present.npz"
    assert shared_data("metrics").is_dir()
