"""SAM 2 style object prompts (clicks with labels, a box) -> the model's prompt set, with clear refusals.

The prompt queries of the published-weights model encode one point or one box per object: negative
clicks, several clicks and a point together with a box are refused by name, never dropped silently.
"""
from __future__ import annotations

import numpy as np
import torch
from mmengine.structures import InstanceData
from torch import Tensor

from seg.models.query_generators import check_prompts, make_prompts

POSITIVE_CLICK = 1
NEGATIVE_CLICK = 0
ONE_PROMPT_RULE = 'this model encodes one positive point or one box per object'


def _array(values, width: int, name: str) -> np.ndarray:
    """``values`` as a float32 array (n, ``width``), or ValueError naming ``name``."""
    array = np.asarray(values, dtype=np.float32)
    if array.ndim == 1 and array.size == width:
        array = array[None]
    if array.ndim != 2 or array.shape[-1] != width:
        raise ValueError(f'{name} must have shape (n, {width}), got {array.shape}')
    return array


def to_input_frame(coords: np.ndarray, meta: dict) -> Tensor:
    """xy coordinates (n, 2k) in pixels of the original frame, scaled to the network input (``img_shape``);
    ValueError if one lies outside the frame."""
    height, width = meta['ori_shape'][:2]
    pairs = coords.shape[-1] // 2
    limits = np.array([width, height] * pairs, dtype=np.float32)
    outside = ((coords < 0) | (coords > limits)).any(-1)
    if outside.any():
        raise ValueError(f'prompt {coords[int(np.argmax(outside))].tolist()} lies outside the frame '
                         f'(width {width}, height {height})')
    w_scale, h_scale = meta.get('scale_factor', (1.0, 1.0))
    in_height, in_width = meta['img_shape'][:2]
    scaled = torch.from_numpy(coords) * torch.tensor([w_scale, h_scale] * pairs, dtype=torch.float32)
    return torch.minimum(scaled, torch.tensor([in_width, in_height] * pairs, dtype=torch.float32))


def object_prompt(meta: dict, obj_id: int, points=None, labels=None, box=None) -> InstanceData:
    """The prompt set (one prompt) of object ``obj_id``: ``points`` (P, 2) xy with ``labels`` (P,) (1 =
    positive, 0 = negative click, as SAM) or ``box`` (4,) xyxy, in pixels of the original frame."""
    record = f'object {obj_id}'
    if points is None and box is None:
        raise ValueError(f'{record}: give points (with labels) or a box')
    if (points is None) != (labels is None):
        raise ValueError(f'{record}: points and labels go together (labels: 1 = positive, '
                         '0 = negative click)')
    point_xy = None
    if points is not None:
        point_xy = _array(points, 2, f'{record}: points')
        click_labels = np.asarray(labels).reshape(-1)
        if len(click_labels) != len(point_xy):
            raise ValueError(f'{record}: {len(point_xy)} points but {len(click_labels)} labels')
        unknown = sorted({int(v) for v in click_labels} - {POSITIVE_CLICK, NEGATIVE_CLICK})
        if unknown:
            raise ValueError(f'{record}: click labels must be 1 (positive) or 0 (negative), got {unknown}')
        if (click_labels == NEGATIVE_CLICK).any():
            raise ValueError(f'{record}: negative clicks (label 0) are not supported: {ONE_PROMPT_RULE}')
        if len(point_xy) != 1:
            raise ValueError(f'{record}: {len(point_xy)} points given, but {ONE_PROMPT_RULE}')
    if box is not None:
        box_xyxy = _array(box, 4, f'{record}: box')
        if len(box_xyxy) != 1:
            raise ValueError(f'{record}: {len(box_xyxy)} boxes given, but {ONE_PROMPT_RULE}')
        if point_xy is not None:
            raise ValueError(f'{record}: a point together with a box is not supported: {ONE_PROMPT_RULE}')
        prompts = make_prompts(boxes=to_input_frame(box_xyxy, meta))
    else:
        prompts = make_prompts(points=to_input_frame(point_xy, meta))
    check_prompts(prompts, meta['img_shape'], record)
    return prompts
