"""What the detector's ``encode`` computes once per image batch and every ``decode`` reuses."""
from __future__ import annotations

from typing import NamedTuple

from torch import Tensor

from ..heads.outputs import PixelFeatures


class ImageFeatures(NamedTuple):
    """Encoded batch: backbone features (CLIP re-scoring), pixel-decoder outputs, one meta dict per image.

    ``metainfos`` carry at least ``img_shape`` and ``batch_input_shape`` (prompt coordinates are read in
    that frame) and ``ori_shape`` / ``scale_factor`` for output sizes.
    """

    backbone: tuple[Tensor, ...]
    pixels: PixelFeatures
    metainfos: tuple[dict, ...]
