"""Seeding, image sizes and the per-dataset summary shared by every toy writer."""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from .categories import ToyDataError
from .scene import Frame


def item_rng(seed: int, *keys: str | int) -> np.random.Generator:
    """An independent generator for one item, e.g. ``item_rng(seed, 'coco', 'train', 3)``.

    Keys are hashed with CRC32 (stable across processes, unlike ``hash``), so every item is
    reproducible on its own and adding items never changes the others.
    """
    words = [int(seed)] + [zlib.crc32(k.encode()) if isinstance(k, str) else int(k) for k in keys]
    return np.random.default_rng(words)


def sample_image_size(rng: np.random.Generator, sides: tuple[int, ...] = (128, 160, 192, 224, 256),
                      portrait_prob: float = 0.3) -> tuple[int, int]:
    """A random (height, width): landscape or square mostly, portrait with ``portrait_prob``."""
    short, long = sorted(int(s) for s in rng.choice(sides, size=2))
    return (long, short) if rng.random() < portrait_prob else (short, long)


def kind_names_for(frame: Frame, kind_to_name: dict[str, str], dataset: str) -> list[str]:
    """The dataset class name of every segment of ``frame`` (clear error for an unmapped kind)."""
    try:
        return [kind_to_name[seg.kind] for seg in frame.segments]
    except KeyError as exc:
        raise ToyDataError(f'{dataset}: toy kind {exc.args[0]!r} has no class name') from exc


@dataclass
class DatasetSummary:
    """What one toy writer produced: its folder (relative to --out) and file/record counts."""

    name: str
    folder: str
    counts: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        """One human-readable summary line."""
        parts = ', '.join(f'{value} {key}' for key, value in self.counts.items())
        return f'{self.name:<17} -> {self.folder}/: {parts}'
