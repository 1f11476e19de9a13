"""What a video predictor keeps per video: its frames, a bounded window of frame features, tracked objects.

Memory: frames are kept as the network's uint8 inputs (frame folders and lists of files: only their
paths, read when needed); features of at most ``window`` frames; per object, its prompts and, per frame
it has been segmented on, a bit-packed mask in the input frame and its class probabilities.
"""
from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import numpy as np
import torch
from mmdet.structures import DetDataSample
from torch import Tensor

from seg.models.query_generators import ObjectPrompt

Features = TypeVar('Features')


@dataclass(frozen=True)
class PreparedFrame:
    """A frame after the test transforms: network input (3, H, W) uint8 and its data sample."""

    inputs: Tensor
    sample: DetDataSample

    @property
    def original_size(self) -> tuple[int, int]:
        return tuple(self.sample.metainfo['ori_shape'][:2])


class FrameStore:
    """The frames of one video in order: prepared when added, or (files) kept as paths and prepared on use.

    ``prepare`` turns an image file into a :class:`PreparedFrame`; every frame must have the size of the
    first.
    """

    def __init__(self, prepare: Callable[[str | os.PathLike], PreparedFrame]) -> None:
        self._prepare = prepare
        self._frames: list[PreparedFrame | str | os.PathLike] = []
        self.original_size: tuple[int, int] | None = None

    def __len__(self) -> int:
        return len(self._frames)

    def append(self, frame: PreparedFrame | str | os.PathLike) -> int:
        """Add a prepared frame, or an image file (prepared when used); returns its index."""
        if isinstance(frame, PreparedFrame):
            self._frames.append(self._checked(frame, len(self._frames), 'the frame'))
        elif not os.path.isfile(frame):
            raise FileNotFoundError(f'frame {len(self._frames)}: image file not found: {frame}')
        else:
            self._frames.append(frame)
        return len(self._frames) - 1

    def get(self, index: int) -> PreparedFrame:
        """The prepared frame ``index``."""
        if not 0 <= index < len(self._frames):
            raise IndexError(f'frame {index} does not exist: the video has {len(self._frames)} frames')
        frame = self._frames[index]
        if isinstance(frame, PreparedFrame):
            return frame
        return self._checked(self._prepare(frame), index, str(frame))

    def _checked(self, frame: PreparedFrame, index: int, name: str) -> PreparedFrame:
        """``frame`` if it has the video's size (the first frame sets it), else ValueError."""
        if self.original_size is None:
            self.original_size = frame.original_size
        elif frame.original_size != self.original_size:
            raise ValueError(f'frame {index} ({name}) has size {frame.original_size}, the video '
                             f'{self.original_size}')
        return frame


class FeatureWindow(Generic[Features]):
    """Features of at most ``capacity`` frames; the least recently used frame is dropped first.

    ``encoded`` counts the frames encoded so far, ``peak`` the most frames held at once.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f'the feature window must hold at least 1 frame, got {capacity}')
        self.capacity = capacity
        self._items: OrderedDict[int, Features] = OrderedDict()
        self.encoded = 0
        self.peak = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def frames(self) -> list[int]:
        """Indices of the frames whose features are held, least recently used first."""
        return list(self._items)

    def get(self, index: int, encode: Callable[[], Features]) -> Features:
        """The features of frame ``index``, encoded with ``encode()`` unless held."""
        if index in self._items:
            self._items.move_to_end(index)
            return self._items[index]
        while len(self._items) >= self.capacity:  # make room first: never more than capacity at once
            self._items.popitem(last=False)
        features = encode()
        self.encoded += 1
        self._items[index] = features
        self.peak = max(self.peak, len(self._items))
        return features

    def clear(self) -> None:
        self._items.clear()


def pack_mask(mask: Tensor) -> tuple[np.ndarray, tuple[int, int]]:
    """A bool mask (h, w) as packed bits (8 pixels a byte) and its shape."""
    return np.packbits(mask.detach().cpu().numpy().astype(bool)), tuple(mask.shape)


def unpack_mask(packed: tuple[np.ndarray, tuple[int, int]]) -> Tensor:
    """The bool mask (h, w) of :func:`pack_mask`."""
    bits, shape = packed
    return torch.from_numpy(np.unpackbits(bits, count=shape[0] * shape[1]).reshape(shape).astype(bool))


@dataclass
class Condition:
    """What the user gave for one object on one frame, at the original frame size: clicks and / or a box
    (``ObjectPrompt``), or a mask (H, W) bool."""

    prompt: ObjectPrompt | None = None
    mask: Tensor | None = None


@dataclass
class TrackedObject:
    """One object: its prompted frames, and per segmented frame its mask (the prompt for the neighbouring
    frames, bit-packed, input frame) and class probabilities (N,)."""

    obj_id: int
    conditions: dict[int, Condition] = field(default_factory=dict)
    masks: dict[int, tuple[np.ndarray, tuple[int, int]]] = field(default_factory=dict)
    class_probs: dict[int, Tensor] = field(default_factory=dict)
    _prob_sum: Tensor | None = None

    def record(self, frame_idx: int, mask: Tensor, probs: Tensor | None) -> None:
        """Store the object's mask on ``frame_idx`` and (when it was seen there) its class probabilities."""
        self.masks[frame_idx] = pack_mask(mask)
        old = self.class_probs.pop(frame_idx, None)
        if old is not None:
            self._prob_sum = self._prob_sum - old
        if probs is not None:
            probs = probs.detach().float().cpu().clone()  # its own row, not a view of the frame's (K, N)
            self.class_probs[frame_idx] = probs
            self._prob_sum = probs.clone() if self._prob_sum is None else self._prob_sum + probs

    def mask_at(self, frame_idx: int) -> Tensor | None:
        """The stored mask (input frame) on ``frame_idx``, None if the object was not segmented there."""
        packed = self.masks.get(frame_idx)
        return None if packed is None else unpack_mask(packed)

    def class_estimate(self) -> tuple[int, float] | None:
        """(label, probability) of the mean class probabilities over the frames seen so far; None before."""
        if not self.class_probs:
            return None
        score, label = (self._prob_sum / len(self.class_probs)).max(0)
        return int(label), float(score)

    def forget_outputs(self) -> None:
        """Drop every segmented frame (prompts stay)."""
        self.masks.clear()
        self.forget_classes()

    def forget_classes(self) -> None:
        """Drop the class probabilities (the vocabulary changed)."""
        self.class_probs.clear()
        self._prob_sum = None


@dataclass
class VideoState:
    """One video of a :class:`~seg.apis.VideoPredictor`: frames, the feature window and the tracked objects
    (in the order they were added). ``vocabulary`` is the one the stored class probabilities belong to."""

    frames: FrameStore
    features: FeatureWindow
    objects: dict[int, TrackedObject] = field(default_factory=dict)
    vocabulary: Any = None

    @property
    def num_frames(self) -> int:
        return len(self.frames)

    @property
    def obj_ids(self) -> list[int]:
        return list(self.objects)

    def frame(self, index: int) -> PreparedFrame:
        return self.frames.get(index)
