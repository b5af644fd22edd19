"""Atomic file writes: a temporary file beside the target, renamed onto it only on success.

The temporary file is named `.NAME.tmp-PID-RANDOM.SUFFIX` for a target `NAME.SUFFIX`, so a
writer that was killed leaves a file whose name says which process made it: the next write of
the same target removes such leftovers of processes that no longer run. The result gets the
permissions of an ordinary new file (`0666` minus the umask), or keeps those of the file it
replaces.
"""

import contextlib
import os
import re
import stat
import tempfile

_TEMP_TAG = ".tmp-"


def _current_umask():
    """The process umask, read without changing it where Linux allows (threads may be
    creating files meanwhile), else set and restored at once."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _target_mode(path):
    """Permission bits for `path`: those of the file it replaces, else 0666 & ~umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_current_umask()


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: the process exists but belongs to another user
        return True
    return True


def remove_stale_temporaries(path):
    """Removes temporaries of `path` left by writers that were killed; returns their paths.

    Only files named `.NAME.tmp-PID-...` for this target whose process `PID` no longer runs
    on this machine are removed.

    Examples:
        >>> remove_stale_temporaries("out/photo.png")  # doctest: +SKIP
        ['out/.photo.png.tmp-4242-k3j2h1.png']
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    pattern = re.compile(re.escape(f".{os.path.basename(path)}{_TEMP_TAG}") + r"(\d+)-")
    removed = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        match = pattern.match(name)
        if match and int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                os.remove(os.path.join(directory, name))
                removed.append(os.path.join(directory, name))
    return removed


@contextlib.contextmanager
def atomic_write(path, suffix=None):
    """Yields a temporary path beside `path`; renames it onto `path` only on success.

    Args:
        path: the file to write.
        suffix: the temporary file's suffix (default: `path`'s extension); writers that choose
            the format from the name need it, e.g. `".keras"` or `".weights.h5"`.

    Examples:
        >>> with atomic_write("out.json") as tmp:  # doctest: +SKIP
        ...     open(tmp, "w").write("{}")
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    if suffix is None:
        suffix = os.path.splitext(path)[1]
    remove_stale_temporaries(path)
    prefix = f".{os.path.basename(path)}{_TEMP_TAG}{os.getpid()}-"
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=directory)
    os.close(fd)
    try:
        yield tmp
        if os.path.isfile(tmp):  # writers that make a folder keep their own permissions
            os.chmod(tmp, _target_mode(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
