"""Atomic file writes: write a temporary file in the target folder, then rename it over the target."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import IO, Any, Callable, Union

PathLike = Union[str, os.PathLike]


def umask_mode(directory: bool = False) -> int:
    """The permission bits a plain ``open``/``mkdir`` would give under the current umask."""
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask


def atomic_write(path: PathLike, write_fn: Callable[[IO], Any], mode: str = 'wb') -> None:
    """Call ``write_fn`` on a temp file beside ``path``, then rename it over ``path``.

    Readers see either the old or the complete new file; on failure the temp file is removed. The file
    gets the permissions of an ordinary write (``mkstemp`` alone would leave it 0600).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.name}.', suffix='.tmp')
    try:
        with os.fdopen(fd, mode) as f:
            write_fn(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, umask_mode())
        os.replace(tmp, path)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError) and err.errno is not None and err.filename is None:
            # e.g. a full disk: "[Errno 28] No space left on device: '<path>'" instead of no path at all
            raise OSError(err.errno, err.strerror, str(path)) from err
        raise


def atomic_write_bytes(path: PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    atomic_write(path, lambda f: f.write(data), 'wb')


def atomic_write_text(path: PathLike, text: str, encoding: str = 'utf-8') -> None:
    """Write ``text`` to ``path`` atomically."""
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_json(path: PathLike, obj: Any, **json_kwargs) -> None:
    """Serialise ``obj`` as JSON and write it to ``path`` atomically."""
    atomic_write_text(path, json.dumps(obj, **json_kwargs))
