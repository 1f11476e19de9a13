"""mmengine's local file backend with atomic writes: checkpoints and result files are never half-written."""
from __future__ import annotations

from pathlib import Path
from typing import Union

from mmengine.fileio.backends import LocalBackend, register_backend

from seg.utils.atomic import atomic_write_bytes, atomic_write_text


class AtomicLocalBackend(LocalBackend):
    """``LocalBackend`` whose ``put``/``put_text`` write a temp file and rename it over the target."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write bytes to ``filepath`` atomically."""
        atomic_write_bytes(filepath, obj)

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = 'utf-8') -> None:
        """Write text to ``filepath`` atomically."""
        atomic_write_text(filepath, obj, encoding)


def use_atomic_local_backend() -> None:
    """Make mmengine use :class:`AtomicLocalBackend` for local paths (checkpoints, ``last_checkpoint``)."""
    from mmengine.fileio import io as mm_io
    register_backend('local', AtomicLocalBackend, force=True, prefixes='')
    mm_io.backend_instances.clear()  # drop a LocalBackend that was cached before we registered
