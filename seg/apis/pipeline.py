"""Image inputs for inference: numpy / PIL / file -> the config's test transforms -> a model batch."""
from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import mmcv
import numpy as np
from mmcv.transforms import Compose
from mmengine.config import Config

DEFAULT_TEST_RESIZE = dict(type='Resize', scale=(1333, 800), keep_ratio=True)
META_KEYS = ('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor', 'frame_id', 'video_id')
# transforms of a test pipeline that need annotations, files or whole clips: not used on raw images
SKIPPED_TRANSFORMS = ('ResizeOri', 'AddSemSeg', 'VideoClipSample', 'UniformRefFrameSample')
ImageLike = Any  # np.ndarray (H, W, 3) | PIL.Image.Image | str | os.PathLike


def _transform_type(transform: dict) -> str:
    """Registry type name of a transform config without scope (``'mmdet.Resize'`` -> ``'Resize'``)."""
    return str(transform.get('type', '')).split('.')[-1]


def _flatten(transforms: list) -> list[dict]:
    """Transforms with ``TransformBroadcaster`` wrappers (video pipelines) replaced by their contents."""
    flat = []
    for transform in transforms:
        if _transform_type(transform) == 'TransformBroadcaster':
            flat.extend(_flatten(transform['transforms']))
        else:
            flat.append(transform)
    return flat


def config_test_pipeline(cfg: Config) -> list[dict] | None:
    """The test pipeline of ``cfg`` (``test_pipeline``, else the test dataset's, through wrappers)."""
    if cfg.get('test_pipeline'):
        return list(cfg.test_pipeline)
    dataset = (cfg.get('test_dataloader') or {}).get('dataset')
    while isinstance(dataset, dict):
        if dataset.get('pipeline'):
            return list(dataset['pipeline'])
        dataset = dataset.get('dataset') or (dataset.get('datasets') or [None])[0]
    return None


def is_kept(transform: dict) -> bool:
    """Whether a test transform applies to a raw image (not loading, annotations or packing)."""
    name = _transform_type(transform)
    return not (name.startswith(('Load', 'Pack')) or 'Annotation' in name or name in SKIPPED_TRANSFORMS)


def image_transforms(cfg: Config) -> list[dict]:
    """Per-image inference transforms: the config's test resizing etc., from an array to packed inputs.

    Loading and annotation transforms are dropped (the image arrives as an array); without a test
    pipeline in the config, images are resized to fit 1333x800 (mmdet's default).
    """
    pipeline = config_test_pipeline(cfg)
    kept = [copy.deepcopy(t) for t in _flatten(pipeline) if is_kept(t)] if pipeline else [DEFAULT_TEST_RESIZE]
    return ([dict(type='mmdet.LoadImageFromNDArray')] + kept
            + [dict(type='mmdet.PackDetInputs', meta_keys=META_KEYS)])


def build_image_pipeline(cfg: Config) -> Compose:
    """Callable: ``dict(img=BGR uint8 array)`` -> ``dict(inputs=(3, H, W) uint8, data_samples=...)``."""
    from mmengine.registry import init_default_scope

    import seg  # noqa: F401  (registers the transforms)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    return Compose(image_transforms(cfg))


def to_bgr_array(image: ImageLike, image_format: str = 'RGB') -> np.ndarray:
    """uint8 (H, W, 3) BGR array of an RGB/BGR array (``image_format``), a PIL image or an image file."""
    if isinstance(image, (str, os.PathLike)):
        if not Path(image).is_file():
            raise FileNotFoundError(f'image file not found: {image}')
        return mmcv.imread(str(image), channel_order='bgr')
    if not isinstance(image, np.ndarray):  # PIL image
        if not hasattr(image, 'convert'):
            raise TypeError(f'expected a numpy array, a PIL image or a path, got {type(image).__name__}')
        return np.ascontiguousarray(np.asarray(image.convert('RGB'))[..., ::-1])
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=-1)
    if image.ndim != 3 or image.shape[-1] != 3:
        raise ValueError(f'expected an image array (H, W, 3), got shape {image.shape}')
    if image_format not in ('RGB', 'BGR'):
        raise ValueError(f"image_format must be 'RGB' or 'BGR', got {image_format!r}")
    image = to_uint8(image)
    return np.ascontiguousarray(image[..., ::-1] if image_format == 'RGB' else image)


def to_uint8(image: np.ndarray) -> np.ndarray:
    """8-bit pixel values of an image array, never by clipping.

    uint16 keeps its high byte (``>> 8``, as OpenCV reads a 16-bit PNG, so an array and its PNG file give
    the same image); bool -> 0 / 255; floats in [0, 1] are scaled by 255; other integer or float arrays
    must already lie in [0, 255]. Anything else (NaN, negative, > 255) is refused, naming the range.
    """
    if image.dtype == np.uint8:
        return image
    if image.dtype == np.uint16:
        return (image >> 8).astype(np.uint8)
    if image.dtype == np.bool_:
        return image.astype(np.uint8) * 255
    if not (np.issubdtype(image.dtype, np.integer) or np.issubdtype(image.dtype, np.floating)):
        raise ValueError(f'expected a numeric image array, got dtype {image.dtype}')
    if image.size and np.issubdtype(image.dtype, np.floating) and not np.isfinite(image).all():
        raise ValueError(f'image array ({image.dtype}) holds NaN or infinite values')
    low, high = (image.min(), image.max()) if image.size else (0, 0)
    if np.issubdtype(image.dtype, np.floating) and low >= 0 and high <= 1.0:
        return np.round(image * 255.0).astype(np.uint8)
    if low < 0 or high > 255:
        raise ValueError(f'image array of dtype {image.dtype} has values in [{low}, {high}]; expected uint8, '
                         'uint16, floats in [0, 1] or values in [0, 255] (convert it to uint8 first)')
    return np.round(image).astype(np.uint8)
