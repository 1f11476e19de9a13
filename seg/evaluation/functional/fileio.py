"""Small file helpers shared by the evaluators: JSON/PNG reading with clear errors, atomic writes."""
from __future__ import annotations

import json
import math
import os
from typing import Any

import numpy as np
from PIL import Image

from seg.utils.atomic import atomic_write


class EvalInputError(ValueError):
    """Malformed evaluation input; the message names the file and the record."""


def read_json(path: str) -> Any:
    """Load a JSON file, raising EvalInputError naming the file on failure."""
    if not os.path.isfile(path):
        raise EvalInputError(f'{path}: file not found')
    with open(path, 'rb') as f:
        head = f.read(2)
    if head[:1] == b'\x80':  # pickle protocol 2+ opcode
        raise EvalInputError(f'{path}: a pickle (raw predictions, as tools/test.py --out writes), not a '
                             'result file; write the benchmark files with '
                             'tools/test.py CONFIG CKPT --out-dir DIR')
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except json.JSONDecodeError as err:
        raise EvalInputError(f'{path}: invalid JSON ({err})') from err
    except UnicodeDecodeError as err:
        raise EvalInputError(f'{path}: not a JSON text file ({err.reason} at byte {err.start})') from err


def read_png(path: str, *, record: str = '') -> np.ndarray:
    """Read a PNG as a numpy array (palette PNGs give their indices), naming the record on failure."""
    where = f' ({record})' if record else ''
    if not os.path.isfile(path):
        raise EvalInputError(f'{path}: PNG not found{where}')
    try:
        with Image.open(path) as img:
            return np.array(img)
    except OSError as err:
        raise EvalInputError(f'{path}: cannot read PNG{where}: {err}') from err


def read_rgb_id_map(path: str, *, record: str = '') -> np.ndarray:
    """Read an RGB panoptic PNG as an id map ``R + 256 G + 256^2 B`` (uint32, H x W)."""
    rgb = read_png(path, record=record)
    if rgb.ndim != 3 or rgb.shape[2] < 3:
        raise EvalInputError(f'{path}: expected an RGB panoptic PNG, got shape {rgb.shape} ({record})')
    rgb = rgb[..., :3].astype(np.uint32)
    return rgb[..., 0] + 256 * rgb[..., 1] + 256 * 256 * rgb[..., 2]


def _json_safe(obj: Any) -> Any:
    """Convert numpy scalars/arrays and non-finite floats into plain JSON values."""
    if isinstance(obj, dict):
        return {str(k): _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _json_safe(obj.tolist())
    if isinstance(obj, np.generic):
        return _json_safe(obj.item())
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def write_json_atomic(path: str, data: Any, *, indent: int | None = 2) -> None:
    """Write ``data`` as JSON to ``path`` atomically (numpy values converted, NaN -> null)."""
    atomic_write(path, lambda f: json.dump(_json_safe(data), f, indent=indent), 'w')


def write_png_atomic(path: str, array: np.ndarray) -> None:
    """Write a uint8 (H x W) or (H x W x 3) array as a PNG atomically."""
    image = Image.fromarray(np.ascontiguousarray(array))
    atomic_write(path, lambda f: image.save(f, format='PNG'), 'wb')


def id_map_to_rgb(id_map: np.ndarray) -> np.ndarray:
    """Encode an id map as RGB (inverse of ``read_rgb_id_map``), uint8 H x W x 3."""
    ids = id_map.astype(np.int64)
    return np.stack([ids % 256, ids // 256 % 256, ids // 65536 % 256], axis=-1).astype(np.uint8)
