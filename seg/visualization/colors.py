"""Deterministic colours and display names for classes, instances and tracks."""
from __future__ import annotations

import colorsys
import hashlib
from typing import Hashable, Optional, Sequence

from .names import display_name

Color = tuple[int, int, int]


def hashed_color(key: Hashable) -> Color:
    """Bright RGB colour derived from the SHA-256 of ``str(key)`` (same key -> same colour, any process)."""
    digest = hashlib.sha256(str(key).encode('utf-8')).digest()
    hue = int.from_bytes(digest[:2], 'big') / 65535.0
    saturation = 0.55 + 0.45 * digest[2] / 255.0
    value = 0.75 + 0.25 * digest[3] / 255.0
    red, green, blue = colorsys.hsv_to_rgb(hue, saturation, value)
    return int(round(red * 255)), int(round(green * 255)), int(round(blue * 255))


class ClassStyle:
    """Display name and colour of every class of a dataset (``dataset_meta['classes']`` / ``palette``)."""

    def __init__(self, classes: Optional[Sequence[str]], palette: Optional[Sequence[Sequence[int]]] = None):
        self.classes = [display_name(name) for name in (classes or ())]
        self.palette = [tuple(int(c) for c in color) for color in (palette or ())]

    @classmethod
    def from_meta(cls, dataset_meta: Optional[dict]) -> 'ClassStyle':
        """Style from a dataset's metainfo (missing keys give generic names and hashed colours)."""
        dataset_meta = dataset_meta or {}
        return cls(dataset_meta.get('classes'), dataset_meta.get('palette'))

    @property
    def num_classes(self) -> int:
        """Number of known classes (0 when the dataset meta gave none)."""
        return len(self.classes)

    def name(self, label: int) -> str:
        """Display name of ``label`` (``'class <label>'`` when unknown)."""
        label = int(label)
        return self.classes[label] if 0 <= label < len(self.classes) else f'class {label}'

    def color(self, label: int) -> Color:
        """Stable colour of ``label``: the dataset palette entry, else a hash of the class name."""
        label = int(label)
        if 0 <= label < len(self.palette) and len(self.palette) >= len(self.classes):
            return self.palette[label]  # type: ignore[return-value]
        return hashed_color(f'class:{self.name(label)}')


def instance_color(instance_id: int) -> Color:
    """Colour of one object (panoptic segment id or track id), identical in every frame it appears."""
    return hashed_color(f'instance:{int(instance_id)}')
