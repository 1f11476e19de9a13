"""Deterministic, byte-stable file writers of the toy generator (JSON, JPEG, PNG variants)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from seg.utils.atomic import atomic_write_json

JPEG_QUALITY = 90


def write_json(path: Path, data, **dump_kwargs) -> None:
    """Write ``data`` as JSON atomically (temp file in the same folder, then rename)."""
    atomic_write_json(path, data, **dump_kwargs)


def write_lines(path: Path, lines: list[str]) -> None:
    """Write one entry per line (newline-terminated), e.g. split lists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(''.join(f'{line}\n' for line in lines))


def save_jpeg(path: Path, rgb: np.ndarray) -> None:
    """Save an (H, W, 3) uint8 RGB image as JPEG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb, mode='RGB').save(path, format='JPEG', quality=JPEG_QUALITY)


def save_png_rgb(path: Path, rgb: np.ndarray) -> None:
    """Save an (H, W, 3) uint8 array as an RGB PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb.astype(np.uint8), mode='RGB').save(path, format='PNG')


def save_png_uint16(path: Path, values: np.ndarray) -> None:
    """Save an (H, W) integer map as a 16-bit grayscale PNG (values must fit in 0..65535)."""
    if values.min() < 0 or values.max() > np.iinfo(np.uint16).max:
        raise ValueError(f'{path}: values {values.min()}..{values.max()} do not fit a 16-bit PNG')
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(values.astype(np.uint16)).save(path, format='PNG')


def save_png_palette(path: Path, indices: np.ndarray, palette: np.ndarray) -> None:
    """Save an (H, W) uint8 index map as a palette ('P' mode) PNG with ``palette`` (256, 3)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.fromarray(indices.astype(np.uint8), mode='P')
    image.putpalette(palette.astype(np.uint8).reshape(-1).tolist())
    image.save(path, format='PNG')
