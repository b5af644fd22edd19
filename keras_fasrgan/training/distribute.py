"""Where a training run runs: one device, the devices of one machine, or several machines.

`train()` and `fasrgan train --distribute KIND` know four kinds:

| kind | backend | how | BatchNorm statistics | relativistic means |
|---|---|---|---|---|
| `none` | any | one device, `Model.fit` | the batch | the batch |
| `mirrored` | TensorFlow | `tf.distribute.MirroredStrategy` over this machine's GPUs, `Model.fit` | per replica | global batch |
| `multi-worker` | TensorFlow | `tf.distribute.MultiWorkerMirroredStrategy` from `TF_CONFIG`, the trainers' own `train_step` in `keras_fasrgan.training.loop` | per replica | global batch |
| `data-parallel` | JAX | `keras.distribution.DataParallel` over every device (of several processes with a coordinator), `Model.fit` | global batch | global batch |

In every kind `batch_size` is the global batch of one iteration: the official configs' 16
is split over the devices, as the authors' `nn.DataParallel` split it, and must divide
evenly over the replicas. One process is the chief (TF_CONFIG's chief, else worker 0; JAX
process 0): it alone writes files, and every process restores from its checkpoints.

Examples:
    >>> cluster = make_cluster("multi-worker")   # reads TF_CONFIG; call before anything else runs
    >>> result = train("fasrgan_x4", "/data/DIV2K", "/shared/runs/fasrgan", strategy=cluster.strategy)
"""

import contextlib
import dataclasses
import json
import os

KINDS = ("none", "mirrored", "multi-worker", "data-parallel")
_BACKENDS = {"mirrored": "tensorflow", "multi-worker": "tensorflow", "data-parallel": "jax"}


def parse_tf_config(text):
    """`(workers, chief)` of a `TF_CONFIG` JSON text; ValueError naming what is wrong.

    Examples:
        >>> parse_tf_config('{"cluster": {"worker": ["a:1", "b:1"]}, "task": {"type": "worker", "index": 1}}')
        (2, False)
    """
    try:
        spec = json.loads(text)
    except ValueError as e:
        raise ValueError(f"TF_CONFIG is not valid JSON: {e}") from None
    cluster = spec.get("cluster") if isinstance(spec, dict) else None
    task = spec.get("task") if isinstance(spec, dict) else None
    if not isinstance(cluster, dict) or not isinstance(task, dict):
        raise ValueError(
            'TF_CONFIG must hold {"cluster": {"worker": ["host:port", ...]}, '
            '"task": {"type": "worker", "index": i}}'
        )
    unknown = sorted(set(cluster) - {"chief", "worker"})
    if unknown:
        raise ValueError(f"TF_CONFIG: task types {unknown} are not used; list 'chief' and 'worker'")
    task_type, index = task.get("type"), task.get("index")
    if task_type not in cluster or not isinstance(index, int) or not 0 <= index < len(cluster[task_type]):
        raise ValueError(
            f"TF_CONFIG: task {task_type!r} {index!r} is not in the cluster {cluster}"
        )
    chief = task_type == "chief" or ("chief" not in cluster and index == 0)
    return sum(len(cluster.get(t, [])) for t in ("chief", "worker")), chief


def check_distribute_options(kind="auto", coordinator=None, num_processes=None, process_id=None,
                             environ=None):
    """Checks `--distribute` and the JAX coordinator options without importing Keras.

    Raises ValueError for an unknown kind, a malformed `TF_CONFIG` (read for "auto" and
    "multi-worker"), "multi-worker" without `TF_CONFIG`, or coordinator options that are
    incomplete, out of range, or given to a kind other than "data-parallel"/"auto".

    Examples:
        >>> check_distribute_options("data-parallel", "10.0.0.1:1234", 2, 0)
        >>> check_distribute_options("none", "10.0.0.1:1234", 2, 0)
        Traceback (most recent call last):
        ...
        ValueError: --coordinator, --num-processes and --process-id are for --distribute data-parallel (JAX)
    """
    environ = os.environ if environ is None else environ
    if kind not in ("auto", *KINDS):
        raise ValueError(f"unknown distribution {kind!r}; expected one of {['auto', *KINDS]}")
    if kind in ("auto", "multi-worker") and environ.get("TF_CONFIG"):
        parse_tf_config(environ["TF_CONFIG"])
    if kind == "multi-worker" and not environ.get("TF_CONFIG"):
        raise ValueError(
            "--distribute multi-worker reads the workers from the TF_CONFIG environment "
            "variable, which is not set (see docs/distributed.md)"
        )
    given = [x is not None for x in (coordinator, num_processes, process_id)]
    if not any(given):
        return
    if kind not in ("auto", "data-parallel"):
        raise ValueError(
            "--coordinator, --num-processes and --process-id are for --distribute "
            "data-parallel (JAX)"
        )
    if not all(given):
        raise ValueError("--coordinator, --num-processes and --process-id go together")
    host, sep, port = str(coordinator).rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"--coordinator {coordinator}: expected HOST:PORT")
    if int(num_processes) < 1 or not 0 <= int(process_id) < int(num_processes):
        raise ValueError(
            f"--process-id {process_id} must be in 0..{int(num_processes) - 1} "
            f"(--num-processes {num_processes})"
        )


@dataclasses.dataclass(frozen=True)
class Cluster:
    """The devices and processes of a run, and this process's place among them.

    Fields:
        kind: one of `KINDS`.
        strategy: the `tf.distribute` strategy (TensorFlow kinds), else None.
        chief: whether this process writes the run's files.
        workers: processes taking part (machines, usually).
        replicas: model replicas in all, over which the global batch is split.
    """

    kind: str = "none"
    strategy: object = None
    chief: bool = True
    workers: int = 1
    replicas: int = 1

    def scope(self):
        """The scope to build and compile the trainer in (the strategy's, if any)."""
        return self.strategy.scope() if self.strategy is not None else contextlib.nullcontext()

    def describe(self):
        """One line for the log, e.g. "multi-worker: 2 workers, 2 replicas, this one the chief"."""
        who = "this one the chief" if self.chief else "this one not the chief"
        return f"{self.kind}: {self.workers} worker(s), {self.replicas} replica(s), {who}"

    @property
    def validation_copies(self):
        """Copies of each validation batch that evaluation needs: JAX's `DataParallel`
        splits every batch over its devices, so each device gets one copy (the metrics,
        means over images, are unchanged)."""
        return self.replicas if self.kind == "data-parallel" else 1

    def check_batch(self, batch_size):
        """Raises ValueError unless the global `batch_size` splits evenly over the replicas."""
        if int(batch_size) % self.replicas:
            raise ValueError(
                f"batch_size {batch_size} is the global batch; it must split evenly over the "
                f"{self.replicas} replicas of this {self.kind} run"
            )


def _tf_cluster(strategy):
    import tensorflow as tf

    strategy = strategy or tf.distribute.get_strategy()
    replicas = int(strategy.num_replicas_in_sync)
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        resolver = strategy.cluster_resolver
        spec = resolver.cluster_spec().as_dict() if resolver is not None else {}
        workers = sum(len(spec.get(t, [])) for t in ("chief", "worker")) or 1
        task_type = getattr(resolver, "task_type", None)
        chief = (
            not task_type
            or task_type == "chief"
            or (task_type == "worker" and resolver.task_id == 0 and "chief" not in spec)
        )
        return Cluster("multi-worker", strategy, chief, workers, replicas)
    default = not tf.distribute.has_strategy() and strategy is tf.distribute.get_strategy()
    if default:
        return Cluster()
    # MirroredStrategy, or another single-machine strategy that Model.fit runs.
    return Cluster("mirrored", strategy, True, 1, replicas)


def cluster_of(strategy=None):
    """The `Cluster` of a `tf.distribute` strategy, else of JAX's global distribution
    (`keras.distribution.set_distribution`), else of one device.

    Examples:
        >>> cluster_of().kind
        'none'
    """
    import keras

    backend = keras.backend.backend()
    if strategy is not None and backend != "tensorflow":
        raise ValueError(f"tf.distribute strategies need the TensorFlow backend, not {backend}")
    if backend == "tensorflow":
        return _tf_cluster(strategy)
    distribution = keras.distribution.distribution() if backend == "jax" else None
    if distribution is None:
        return Cluster()
    import jax

    return Cluster(
        "data-parallel",
        None,
        jax.process_index() == 0,
        jax.process_count(),
        int(distribution.device_mesh.devices.size),
    )


def _resolve_kind(kind, backend, coordinator, environ):
    """The kind "auto" stands for; ValueError when `kind` needs another backend. A
    cluster's command (TF_CONFIG, a coordinator) never falls back to a run of one process."""
    why = ""
    if kind == "auto":
        if environ.get("TF_CONFIG") and not coordinator:
            kind, why = "multi-worker", " (TF_CONFIG is set; --distribute none ignores it)"
        elif coordinator:
            kind, why = "data-parallel", " (--coordinator is for JAX processes)"
        else:
            return "none"
    needs = _BACKENDS.get(kind)
    if needs and needs != backend:
        raise ValueError(
            f"--distribute {kind} needs the {needs} backend (KERAS_BACKEND={needs}); "
            f"this process runs {backend}{why}"
        )
    return kind


def make_cluster(kind="auto", coordinator=None, num_processes=None, process_id=None, environ=None):
    """Sets up `kind` and returns its `Cluster`; call it before anything runs on a device.

    "auto" is "multi-worker" when `TF_CONFIG` is set, "data-parallel" when `coordinator` is
    given (each an error on another backend than its own), else "none". "multi-worker" creates a
    `MultiWorkerMirroredStrategy` (which reads `TF_CONFIG`); "data-parallel" calls
    `keras.distribution.initialize(coordinator, num_processes, process_id)` when a
    coordinator is given (with the gloo collectives on CPU) and sets a `DataParallel`
    distribution over every device of every process.

    Examples:
        >>> make_cluster("none").kind
        'none'
    """
    import keras

    environ = os.environ if environ is None else environ
    check_distribute_options(kind, coordinator, num_processes, process_id, environ)
    kind = _resolve_kind(kind, keras.backend.backend(), coordinator, environ)
    if kind == "none":
        return Cluster()
    if kind in ("mirrored", "multi-worker"):
        import tensorflow as tf

        make = tf.distribute.MirroredStrategy if kind == "mirrored" else tf.distribute.MultiWorkerMirroredStrategy
        return _tf_cluster(make())
    import jax

    if coordinator:
        if jax.config.values.get("jax_cpu_collectives_implementation") in (None, "", "none"):
            # Cross-process collectives on CPU (jax >= 0.4.27; the default in recent jax).
            jax.config.update("jax_cpu_collectives_implementation", "gloo")
        keras.distribution.initialize(coordinator, int(num_processes), int(process_id))
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=jax.devices()))
    return cluster_of()


@contextlib.contextmanager
def process_local():
    """Within it, new Keras variables belong to this process alone (JAX's global
    distribution is unset meanwhile); elsewhere it does nothing.

    Under a multi-process JAX distribution, creating a variable is a collective every
    process must join; the chief's own work (checkpoints, exports, sample images) runs
    here so that it needs no other process.

    Examples:
        >>> with process_local():
        ...     pass
    """
    import keras

    if keras.backend.backend() != "jax" or keras.distribution.distribution() is None:
        yield
        return
    saved = keras.distribution.distribution()
    keras.distribution.set_distribution(None)
    try:
        yield
    finally:
        keras.distribution.set_distribution(saved)


def spans_processes():
    """Whether this run's arrays span several processes (JAX `jax.distributed`).

    Examples:
        >>> spans_processes()
        False
    """
    import keras

    if keras.backend.backend() != "jax":
        return False
    import jax

    return jax.process_count() > 1
