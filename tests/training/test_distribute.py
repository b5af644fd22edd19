"""`training.distribute` and `fasrgan train`'s distribution options, without any device work.

The multi-device runs themselves are in test_mirrored.py, test_jax_data_parallel.py,
test_multi_worker.py and test_jax_multi_process.py; here: TF_CONFIG parsing, the option
checks (all before Keras is imported by the CLI), and the global batch's split.
"""

import json

import pytest

from keras_fasrgan import cli
from keras_fasrgan.training.distribute import Cluster
from keras_fasrgan.training.distribute import check_distribute_options
from keras_fasrgan.training.distribute import make_cluster
from keras_fasrgan.training.distribute import parse_tf_config


def _tf_config(index=0, task_type="worker", cluster=None):
    cluster = cluster or {"worker": ["127.0.0.1:1", "127.0.0.1:2"]}
    return json.dumps({"cluster": cluster, "task": {"type": task_type, "index": index}})


def test_tf_config_gives_the_workers_and_the_chief():
    assert parse_tf_config(_tf_config(0)) == (2, True)
    assert parse_tf_config(_tf_config(1)) == (2, False)
    with_chief = {"chief": ["a:1"], "worker": ["b:1", "c:1"]}
    assert parse_tf_config(_tf_config(0, "chief", with_chief)) == (3, True)
    assert parse_tf_config(_tf_config(0, "worker", with_chief)) == (3, False)


@pytest.mark.parametrize("text, message", [
    ("{not json", "not valid JSON"),
    ('{"cluster": {"worker": ["a:1"]}}', '"task"'),
    (_tf_config(2), "is not in the cluster"),
    (_tf_config(0, cluster={"worker": ["a:1"], "ps": ["b:1"]}), "['ps'] are not used"),
])
def test_bad_tf_config_is_named(text, message):
    with pytest.raises(ValueError, match="TF_CONFIG") as info:
        parse_tf_config(text)
    assert message in str(info.value)


@pytest.mark.parametrize("args, environ, message", [
    (("gpus",), {}, "unknown distribution 'gpus'"),
    (("multi-worker",), {}, "TF_CONFIG environment variable, which is not set"),
    (("auto",), {"TF_CONFIG": "[1, 2]"}, "TF_CONFIG must hold"),
    (("none", "h:1", 2, 0), {}, "are for --distribute data-parallel"),
    (("mirrored", "h:1", 2, 0), {}, "are for --distribute data-parallel"),
    (("data-parallel", "h:1", 2, None), {}, "go together"),
    (("auto", "h", 2, 0), {}, "expected HOST:PORT"),
    (("data-parallel", "h:x", 2, 0), {}, "expected HOST:PORT"),
    (("data-parallel", "h:1", 2, 2), {}, "--process-id 2 must be in 0..1"),
    (("data-parallel", "h:1", 0, 0), {}, "must be in"),
])
def test_distribute_options_are_checked(args, environ, message):
    with pytest.raises(ValueError) as info:
        check_distribute_options(*args, environ=environ)
    assert message in str(info.value)


def test_good_distribute_options_pass():
    check_distribute_options("none", environ={})
    check_distribute_options("auto", environ={"TF_CONFIG": _tf_config(1)})
    check_distribute_options("multi-worker", environ={"TF_CONFIG": _tf_config(1)})
    check_distribute_options("data-parallel", "10.0.0.1:1234", 2, 1, environ={})
    check_distribute_options("auto", "10.0.0.1:1234", 2, 0, environ={})


def test_a_kind_needs_its_backend():
    import keras

    other = "jax" if keras.backend.backend() == "tensorflow" else "tensorflow"
    kind = {"jax": "data-parallel", "tensorflow": "mirrored"}[other]
    with pytest.raises(ValueError, match=f"needs the {other} backend"):
        make_cluster(kind, environ={})
    # A cluster's command on the wrong backend is an error, not a run of one process.
    if other == "jax":
        with pytest.raises(ValueError, match="needs the jax backend.*--coordinator is for JAX"):
            make_cluster("auto", "127.0.0.1:1", 2, 0, environ={})
    else:
        with pytest.raises(ValueError, match="needs the tensorflow backend.*TF_CONFIG is set"):
            make_cluster("auto", environ={"TF_CONFIG": _tf_config(1)})
    assert make_cluster("auto", environ={}) == Cluster()


def test_the_global_batch_splits_evenly_over_the_replicas():
    Cluster("mirrored", replicas=4).check_batch(16)
    with pytest.raises(ValueError, match="batch_size 8 is the global batch.*3 replicas"):
        Cluster("multi-worker", replicas=3, workers=3).check_batch(8)
    assert Cluster("data-parallel", replicas=2).validation_copies == 2
    assert Cluster("mirrored", replicas=2).validation_copies == 1


def test_cli_checks_distribution_options_before_importing_keras(tmp_path, capsys, monkeypatch):
    def no_keras():
        raise AssertionError("Keras was imported before the options were checked")

    monkeypatch.setattr(cli, "import_keras", no_keras)
    monkeypatch.delenv("TF_CONFIG", raising=False)
    common = ["train", "--config", "psnr_x4", "--data", str(tmp_path), "-o", str(tmp_path / "o")]
    cases = [
        (["--distribute", "multi-worker"], "TF_CONFIG environment variable"),
        (["--coordinator", "h:1", "--num-processes", "2"], "go together"),
        (["--distribute", "none", "--coordinator", "h:1", "--num-processes", "2",
          "--process-id", "0"], "are for --distribute data-parallel"),
        (["--coordinator", "h:1", "--num-processes", "2", "--process-id", "5"], "0..1"),
        (["--multi-gpu", "--distribute", "multi-worker"], "contradicts --distribute multi-worker"),
    ]
    for extra, message in cases:
        assert cli.main(common + extra) == 2, extra
        assert message in capsys.readouterr().err, extra
    monkeypatch.setenv("TF_CONFIG", '{"cluster": {}}')
    assert cli.main(common) == 2
    assert "TF_CONFIG must hold" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
