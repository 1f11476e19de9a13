"""Reading frames and writing renderings (PNG/JPEG via cv2, animated GIF via PIL), atomically."""
from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Optional, Sequence, Union

import cv2
import mmcv
import numpy as np
from mmengine.fileio import get
from PIL import Image

from ..utils.atomic import atomic_write_bytes

PathLike = Union[str, os.PathLike]
IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.bmp', '.webp', '.tif', '.tiff')


def load_rgb(img_path: str, backend_args: Optional[dict] = None) -> np.ndarray:
    """The (H, W, 3) uint8 RGB image stored at ``img_path`` (any mmengine file backend)."""
    try:
        img_bytes = get(img_path, backend_args=backend_args)
    except (OSError, ValueError) as err:
        raise FileNotFoundError(f'cannot read the image to visualise: {img_path!r} ({err})') from err
    image = mmcv.imfrombytes(img_bytes, channel_order='rgb')
    if image is None:
        raise ValueError(f'{img_path!r} is not a decodable image')
    return image


def encode_image(rgb: np.ndarray, suffix: str = '.png') -> bytes:
    """Encode an RGB uint8 image in the format named by ``suffix`` (PNG when unknown)."""
    suffix = suffix.lower() if suffix.lower() in IMAGE_SUFFIXES else '.png'
    ok, buffer = cv2.imencode(suffix, np.ascontiguousarray(rgb[..., ::-1]))
    if not ok:
        raise ValueError(f'cv2.imencode failed for an image of shape {rgb.shape} as {suffix}')
    return buffer.tobytes()


def write_image(path: PathLike, rgb: np.ndarray) -> Path:
    """Write an RGB image atomically, encoded by the file suffix (``.png`` added if unknown)."""
    path = Path(path)
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        path = path.with_name(path.name + '.png')
    atomic_write_bytes(path, encode_image(rgb, path.suffix))
    return path


def shrink(rgb: np.ndarray, max_side: int) -> np.ndarray:
    """``rgb`` downscaled so that its longer side is at most ``max_side`` (unchanged when smaller)."""
    height, width = rgb.shape[:2]
    scale = max_side / max(height, width)
    if scale >= 1:
        return rgb
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def encode_gif(frames: Sequence[np.ndarray], fps: float = 5.0) -> bytes:
    """Animated, looping GIF of RGB frames (all of one size) shown ``fps`` frames per second."""
    if not frames:
        raise ValueError('cannot encode a GIF without frames')
    shapes = {frame.shape for frame in frames}
    if len(shapes) != 1:
        raise ValueError(f'GIF frames must share one shape, got {sorted(shapes)}')
    images = [Image.fromarray(np.ascontiguousarray(frame)) for frame in frames]
    buffer = io.BytesIO()
    images[0].save(buffer, format='GIF', save_all=True, append_images=images[1:],
                   duration=max(20, round(1000 / fps)), loop=0, disposal=1)
    return buffer.getvalue()


def write_gif(path: PathLike, frames: Sequence[np.ndarray], fps: float = 5.0) -> Path:
    """Write an animated GIF of ``frames`` atomically."""
    path = Path(path)
    atomic_write_bytes(path, encode_gif(frames, fps))
    return path
