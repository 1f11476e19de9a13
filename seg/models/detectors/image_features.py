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

    def select(self, index: int) -> 'ImageFeatures':
        """The features of image ``index`` alone (batch of one)."""
        pick = slice(index, index + 1)
        pixels = PixelFeatures(self.pixels.mask_features[pick], tuple(m[pick] for m in self.pixels.memories))
        return ImageFeatures(tuple(f[pick] for f in self.backbone), pixels, (self.metainfos[index],))
