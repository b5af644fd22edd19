"""The on-disk cache of inference artifacts: TFLite conversions and engine probe results.

Where: `$KERAS_FASRGAN_CACHE_DIR` if set, else `$XDG_CACHE_HOME/keras_fasrgan`, else
`~/.cache/keras_fasrgan`. Setting `KERAS_FASRGAN_CACHE_DIR` to an empty string, `0` or `off`
turns the disk cache off (everything is then kept in memory only, per process).

- Blobs (`<kind>/<key>.bin`) hold bytes with a trailer of their SHA-256, so a truncated or
  damaged entry is detected, deleted and rebuilt instead of being used. They are written to a
  temporary file in the same folder and renamed into place (`os.replace`), so concurrent
  writers of one key each leave a complete file and readers never see half of one. Reading an
  entry refreshes its modification time; after each write the folder is pruned, oldest first,
  to `KERAS_FASRGAN_CACHE_MAX_MB` (default 2048 MB).
- Records (`<name>.json`) map string keys to small JSON values (e.g. which engine was faster
  for a model and tile shape); updates merge into the file and replace it atomically.

A cache that cannot be written (read-only home, full disk) only costs speed: errors are
reported once as a warning and the caller carries on without the disk cache.

Examples:
    >>> write_blob("tflite", "abc123", b"flatbuffer bytes")  # doctest: +SKIP
    >>> read_blob("tflite", "abc123")  # doctest: +SKIP
    b'flatbuffer bytes'
"""

import contextlib
import hashlib
import json
import os
import warnings

ENV_DIR = "KERAS_FASRGAN_CACHE_DIR"
ENV_MAX_MB = "KERAS_FASRGAN_CACHE_MAX_MB"
DEFAULT_MAX_MB = 2048
_TRAILER = b"KFSRGAN1"  # magic + 32-byte SHA-256 of the content
_WARNED = set()


def cache_dir():
    """The cache folder (not created here), or `None` when the disk cache is turned off.

    Examples:
        >>> cache_dir()  # doctest: +SKIP
        '/home/me/.cache/keras_fasrgan'
    """
    value = os.environ.get(ENV_DIR)
    if value is not None:
        return None if value.strip().lower() in ("", "0", "off", "none") else value
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "keras_fasrgan")


def _warn_once(message):
    if message not in _WARNED:
        _WARNED.add(message)
        warnings.warn(message, RuntimeWarning, stacklevel=3)


def _blob_path(kind, key):
    root = cache_dir()
    return None if root is None else os.path.join(root, kind, f"{key}.bin")


def _write_atomic(path, content):
    """Writes `content` to a temporary file beside `path`, synced, then renamed onto `path`."""
    from keras_fasrgan.utils import atomic_write

    with atomic_write(path, suffix=".tmp") as tmp:
        with open(tmp, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())


def read_blob(kind, key):
    """The bytes stored under `kind/key`, or `None` if absent, damaged (then deleted) or off."""
    path = _blob_path(kind, key)
    if path is None:
        return None
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    size = len(_TRAILER) + 32
    content, trailer = data[:-size], data[-size:]
    if len(data) < size or trailer != _TRAILER + hashlib.sha256(content).digest():
        with contextlib.suppress(OSError):
            os.remove(path)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # most recently used: pruned last
    return content


def write_blob(kind, key, content):
    """Stores `content` under `kind/key` atomically, then prunes the cache. Returns the path
    (`None` when the disk cache is off or cannot be written)."""
    path = _blob_path(kind, key)
    if path is None:
        return None
    try:
        _write_atomic(path, content + _TRAILER + hashlib.sha256(content).digest())
        prune(kind, keep=path)
    except OSError as e:
        _warn_once(f"keras_fasrgan: cannot write the cache in {cache_dir()} ({e}); set "
                   f"{ENV_DIR} to a writable folder or to 'off'")
        return None
    return path


def prune(kind, max_bytes=None, keep=None):
    """Deletes the least recently used blobs of `kind` until they total at most `max_bytes`
    (default `KERAS_FASRGAN_CACHE_MAX_MB`); `keep` (a path) is never deleted."""
    root = cache_dir()
    if root is None:
        return
    if max_bytes is None:
        max_bytes = float(os.environ.get(ENV_MAX_MB, DEFAULT_MAX_MB)) * 1e6
    folder = os.path.join(root, kind)
    entries = []
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        with contextlib.suppress(OSError):
            if name.endswith(".bin"):
                st = os.stat(path)
                entries.append((st.st_mtime, st.st_size, path))
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= max_bytes:
            break
        if path != keep:
            with contextlib.suppress(OSError):
                os.remove(path)
                total -= size


def read_record(name, key):
    """The JSON value stored under `key` in the record file `name`, or `None`."""
    root = cache_dir()
    if root is None:
        return None
    try:
        with open(os.path.join(root, f"{name}.json")) as f:
            return json.load(f).get(key)
    except (OSError, ValueError, AttributeError):
        return None


def write_record(name, key, value):
    """Merges `{key: value}` into the record file `name` (atomic replace; a concurrent writer
    may win, which only means one entry is measured again)."""
    root = cache_dir()
    if root is None:
        return
    path = os.path.join(root, f"{name}.json")
    try:
        with open(path) as f:
            records = json.load(f)
        if not isinstance(records, dict):
            records = {}
    except (OSError, ValueError):
        records = {}
    records[key] = value
    try:
        _write_atomic(path, json.dumps(records, indent=1, sort_keys=True).encode())
    except OSError as e:
        _warn_once(f"keras_fasrgan: cannot write the cache in {root} ({e})")
