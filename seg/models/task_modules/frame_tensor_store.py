"""Per-frame tensors of a video kept in memory or in an anonymous temporary file."""
from __future__ import annotations

import math
import tempfile

import torch
from torch import Tensor

DISK = 'disk'


class FrameTensorStore:
    """An append-only list of per-frame tensors (all of one shape and dtype per frame).

    ``device='disk'``: each frame is written to an unnamed temporary file (removed by the OS when the
    store is closed or the process ends, also after a crash) and read back on access, so memory does not
    grow with the number of frames; the values read back equal those written. Any other ``device`` (or
    None: where the tensor is) keeps the tensors in memory there.
    """

    def __init__(self, device: str | torch.device | None = None, dtype: torch.dtype | None = None) -> None:
        self.on_disk = device == DISK
        self.device = None if self.on_disk else device
        self.dtype = dtype
        self._frames: list[Tensor] = []
        self._records: list[tuple[int, tuple[int, ...], torch.dtype, torch.device]] = []
        self._file = tempfile.TemporaryFile(prefix='omg_seg_frames_') if self.on_disk else None

    def __len__(self) -> int:
        return len(self._records) if self.on_disk else len(self._frames)

    def append(self, frame: Tensor) -> None:
        """Keep ``frame`` (converted to the store's dtype)."""
        frame = frame.to(device=self.device, dtype=self.dtype)
        if not self.on_disk:
            self._frames.append(frame)
            return
        offset = self._file.seek(0, 2)
        self._file.write(frame.detach().contiguous().cpu().view(torch.uint8).numpy().tobytes())
        self._records.append((offset, tuple(frame.shape), frame.dtype, frame.device))

    def __getitem__(self, index: int) -> Tensor:
        """Frame ``index`` (on the device it was given from, when on disk)."""
        if not self.on_disk:
            return self._frames[index]
        offset, shape, dtype, device = self._records[index]
        data = bytearray(math.prod(shape) * dtype.itemsize)
        self._file.seek(offset)
        self._file.readinto(data)
        return torch.frombuffer(data, dtype=dtype).view(shape).to(device)

    def close(self) -> None:
        """Drop the frames (and the temporary file)."""
        self._frames.clear()
        if self._file is not None:
            self._file.close()
