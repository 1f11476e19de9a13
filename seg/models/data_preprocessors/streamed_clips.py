"""Video clips kept as uint8 frames and normalised / padded a window of frames at a time, on indexing."""
from __future__ import annotations

from collections.abc import Callable, Iterator

import torch
import torch.nn.functional as F
from torch import Tensor

Normalise = Callable[[list[Tensor]], Tensor]  # raw frames (3, H, W) -> normalised batch (n, 3, h, w)


class StreamedFrames:
    """One video (T, 3, Hp, Wp) whose frames are normalised and padded only when indexed.

    ``frames[i]`` gives one normalised frame (3, Hp, Wp), ``frames[a:b]`` a window (b - a, 3, Hp, Wp): the
    same values as normalising and padding the whole video at once, computed for those frames only. The
    raw frames stay as they came (uint8: a quarter of the float32 video).
    """

    def __init__(self, raw: Tensor, normalise: Normalise, padded_size: tuple[int, int],
                 pad_value: float) -> None:
        self.raw, self.normalise = raw, normalise
        self.padded_size, self.pad_value = tuple(padded_size), pad_value

    @property
    def shape(self) -> torch.Size:
        return torch.Size((self.raw.shape[0], self.raw.shape[1], *self.padded_size))

    @property
    def device(self) -> torch.device:
        return self.raw.device

    def dim(self) -> int:
        return 4

    def __len__(self) -> int:
        return self.raw.shape[0]

    def __getitem__(self, index: int | slice) -> Tensor:
        """Normalised, padded frame ``index`` (3, Hp, Wp) or window of frames (n, 3, Hp, Wp)."""
        if isinstance(index, slice):
            return self._window(list(self.raw[index]))
        if not isinstance(index, int):
            raise TypeError(f'StreamedFrames takes an int or a slice, got {type(index).__name__}')
        return self._window([self.raw[index]])[0]

    def _window(self, frames: list[Tensor]) -> Tensor:
        """``frames`` normalised and padded (right / bottom, ``pad_value``) to ``padded_size``."""
        batch = self.normalise(frames)
        height, width = self.padded_size
        pad = (0, width - batch.shape[-1], 0, height - batch.shape[-2])
        return F.pad(batch, pad, value=self.pad_value) if any(pad) else batch

    def materialise(self) -> Tensor:
        """The whole video (T, 3, Hp, Wp) at once (what the non-streamed path gives)."""
        return self[0:len(self)]

    def __getattr__(self, name: str):
        """Any other tensor attribute (``flatten``, ``to``, ...) of the materialised video."""
        return materialised_attribute(self, name)


class StreamedClips:
    """A batch of :class:`StreamedFrames` standing in for the (B, T, 3, Hp, Wp) clip input tensor."""

    def __init__(self, clips: list[StreamedFrames]) -> None:
        self.clips = clips

    @property
    def shape(self) -> torch.Size:
        return torch.Size((len(self.clips), *self.clips[0].shape))

    @property
    def device(self) -> torch.device:
        return self.clips[0].device

    def dim(self) -> int:
        return 5

    def __len__(self) -> int:
        return len(self.clips)

    def __iter__(self) -> Iterator[StreamedFrames]:
        return iter(self.clips)

    def __getitem__(self, index: int) -> StreamedFrames:
        return self.clips[index]

    def materialise(self) -> Tensor:
        """The whole batch (B, T, 3, Hp, Wp) at once."""
        return torch.stack([clip.materialise() for clip in self.clips])

    def __getattr__(self, name: str):
        """Any other tensor attribute (``flatten``, ``to``, ...) of the materialised batch: code that needs
        the whole tensor (tensor mode, training-style calls) gets it, at the whole video's memory cost."""
        return materialised_attribute(self, name)


def materialised_attribute(streamed: StreamedFrames | StreamedClips, name: str):
    """``getattr(streamed.materialise(), name)`` for public tensor attributes; others do not exist."""
    if name.startswith('_') or name in ('raw', 'normalise', 'padded_size', 'pad_value', 'clips'):
        raise AttributeError(f'{type(streamed).__name__} has no attribute {name!r}')
    return getattr(streamed.materialise(), name)
