"""Point / box prompts of one image: construction and validation.

A prompt set is an ``InstanceData`` with
  ``bboxes`` float32 (N, 4) xyxy in pixels of the network input (``img_shape``, after resizing, before
  padding); a point (x, y) is the zero-size box (x, y, x, y);
  ``types`` int64 (N,) 0 = box, 1 = point (the row of the head's prompt-type embedding);
  ``gt_indices`` int64 (N,) optional: index of the supervising GT instance (training / evaluation);
  ``clicks`` float32 (N, K, 2) xy and ``click_labels`` int64 (N, K) optional: every click of the object
  (1 = positive, 0 = negative, -1 = padding). A prompt's ``bboxes`` row is its box, or else its first
  positive click (the part a one-point-or-one-box encoder reads).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from mmengine.structures import InstanceData
from torch import Tensor

PROMPT_BOX = 0
PROMPT_POINT = 1
CLICK_NEGATIVE = 0
CLICK_POSITIVE = 1
CLICK_PADDING = -1


@dataclass
class ObjectPrompt:
    """What the user says about one object: clicks ``points`` (K, 2) xy with ``labels`` (K,) (1 = the
    object, 0 = not the object; default all 1) and/or one ``box`` (4,) xyxy, in pixels of some frame."""

    points: Any = None
    labels: Any = None
    box: Any = None

    def __post_init__(self) -> None:
        points = np.zeros((0, 2), np.float32) if self.points is None else np.asarray(self.points, np.float32)
        if points.ndim != 2 or points.shape[-1] != 2:
            raise ValueError(f'point_coords of an object must have shape (K, 2) xy, got {points.shape}')
        labels = np.ones(len(points), np.int64) if self.labels is None else np.asarray(self.labels)
        if labels.shape != (len(points),):
            raise ValueError(f'point_labels must have shape ({len(points)},) (one per point), '
                             f'got {labels.shape}')
        if not np.isin(labels, (CLICK_NEGATIVE, CLICK_POSITIVE)).all():
            raise ValueError(f'point_labels must be 1 (positive) or 0 (negative), got {labels.tolist()}')
        box = None if self.box is None else np.asarray(self.box, np.float32).reshape(-1)
        if box is not None and box.shape != (4,):
            raise ValueError(f'box must be one xyxy box (4,), got {np.asarray(self.box).shape}')
        if box is None and not (labels == CLICK_POSITIVE).any():
            raise ValueError('an object prompt needs a box or at least one positive click (label 1), got '
                             f'{len(points)} click(s) with labels {labels.tolist()}')
        self.points, self.labels, self.box = points, labels.astype(np.int64), box


def scale_to_input(coords: Tensor, meta: dict) -> Tensor:
    """Coordinates (n, 2k) (x, y pairs) of the original image scaled to the network input (``scale_factor``),
    clamped to its ``img_shape``."""
    pairs = coords.shape[-1] // 2
    w_scale, h_scale = meta.get('scale_factor', (1.0, 1.0))
    in_height, in_width = meta['img_shape'][:2]
    scale = torch.tensor([w_scale, h_scale] * pairs, dtype=torch.float32)
    limits = torch.tensor([in_width, in_height] * pairs, dtype=torch.float32)
    return torch.minimum(coords.float().cpu() * scale, limits)


def first_outside_frame(coords: np.ndarray | Tensor, ori_shape: Sequence[int]) -> int | None:
    """Index of the first row of ``coords`` (n, 2k) (x, y pairs) outside the original image, else None."""
    coords = torch.as_tensor(np.asarray(coords, dtype=np.float32))
    height, width = ori_shape[:2]
    limits = torch.tensor([width, height] * (coords.shape[-1] // 2), dtype=torch.float32)
    outside = ((coords < 0) | (coords > limits)).any(-1)
    return int(outside.nonzero()[0]) if outside.any() else None


def object_prompt_to_input(obj: 'ObjectPrompt', meta: dict) -> 'ObjectPrompt':
    """An object's clicks and box scaled from the original image to the network input."""
    points = scale_to_input(torch.from_numpy(obj.points), meta).numpy()
    box = None if obj.box is None else scale_to_input(torch.from_numpy(obj.box)[None], meta)[0].numpy()
    return ObjectPrompt(points, obj.labels, box)


def make_object_prompts(objects: Sequence[ObjectPrompt]) -> InstanceData:
    """Prompt set with one prompt (query) per object, all its clicks in ``clicks`` / ``click_labels``."""
    num_clicks = max([len(obj.points) for obj in objects], default=0)
    clicks = torch.zeros(len(objects), num_clicks, 2)
    click_labels = torch.full((len(objects), num_clicks), CLICK_PADDING, dtype=torch.long)
    bboxes, types = torch.zeros(len(objects), 4), torch.zeros(len(objects), dtype=torch.long)
    for index, obj in enumerate(objects):
        clicks[index, :len(obj.points)] = torch.from_numpy(obj.points)
        click_labels[index, :len(obj.points)] = torch.from_numpy(obj.labels)
        if obj.box is not None:
            bboxes[index], types[index] = torch.from_numpy(obj.box), PROMPT_BOX
        else:
            first = torch.from_numpy(obj.points[int(np.argmax(obj.labels == CLICK_POSITIVE))])
            bboxes[index], types[index] = torch.cat([first, first]), PROMPT_POINT
    return InstanceData(bboxes=bboxes, types=types, clicks=clicks, click_labels=click_labels)


def make_prompts(*, points: Tensor | None = None, boxes: Tensor | None = None,
                 gt_indices: Tensor | None = None) -> InstanceData:
    """Prompt set from points (P, 2) xy and/or boxes (M, 4) xyxy (input pixels): boxes first, then points."""
    parts_boxes, parts_types = [], []
    if boxes is not None:
        boxes = torch.as_tensor(boxes, dtype=torch.float32)
        if boxes.dim() != 2 or boxes.shape[-1] != 4:
            raise ValueError(f'box prompts must have shape (M, 4) xyxy, got {tuple(boxes.shape)}')
        parts_boxes.append(boxes)
        parts_types.append(torch.full((len(boxes),), PROMPT_BOX, dtype=torch.long))
    if points is not None:
        points = torch.as_tensor(points, dtype=torch.float32)
        if points.dim() != 2 or points.shape[-1] != 2:
            raise ValueError(f'point prompts must have shape (P, 2) xy, got {tuple(points.shape)}')
        parts_boxes.append(torch.cat([points, points], dim=-1))
        parts_types.append(torch.full((len(points),), PROMPT_POINT, dtype=torch.long))
    if not parts_boxes:
        parts_boxes, parts_types = [torch.zeros(0, 4)], [torch.zeros(0, dtype=torch.long)]
    prompts = InstanceData(bboxes=torch.cat(parts_boxes), types=torch.cat(parts_types))
    if gt_indices is not None:
        prompts.gt_indices = torch.as_tensor(gt_indices, dtype=torch.long)
    return prompts


def check_prompts(prompts: InstanceData, img_shape: tuple[int, int], record: str = 'image') -> None:
    """Raise ValueError naming ``record`` and the prompt when a prompt is malformed or outside the image."""
    bboxes, types = prompts.get('bboxes'), prompts.get('types')
    if bboxes is None or types is None:
        raise ValueError(f'prompts of {record} need `bboxes` (N, 4) and `types` (N,), got fields '
                         f'{sorted(prompts.keys())}')
    if bboxes.dim() != 2 or bboxes.shape[-1] != 4:
        raise ValueError(f'prompt bboxes of {record} must have shape (N, 4) xyxy, got {tuple(bboxes.shape)}')
    if types.shape != bboxes.shape[:1]:
        raise ValueError(f'prompt types of {record} must have shape ({len(bboxes)},), '
                         f'got {tuple(types.shape)}')
    bad_type = ~((types == PROMPT_BOX) | (types == PROMPT_POINT))
    if bad_type.any():
        index = int(bad_type.nonzero()[0])
        raise ValueError(f'prompt {index} of {record} has type {int(types[index])}; expected '
                         f'{PROMPT_BOX} (box) or {PROMPT_POINT} (point)')
    if not torch.isfinite(bboxes).all():
        raise ValueError(f'prompts of {record} contain non-finite coordinates')
    height, width = img_shape[:2]
    x1, y1, x2, y2 = bboxes.unbind(-1)
    _raise_at(record, bboxes, (x2 < x1) | (y2 < y1), 'has x2 < x1 or y2 < y1')
    is_point = types == PROMPT_POINT
    _raise_at(record, bboxes, is_point & ((x1 != x2) | (y1 != y2)), 'is a point but not a zero-size box')
    outside = (x1 < 0) | (y1 < 0) | (x2 > width) | (y2 > height)
    _raise_at(record, bboxes, outside, f'lies outside the image (width {width}, height {height})')
    _check_clicks(prompts, record, width, height)
    gt_indices = prompts.get('gt_indices')
    if gt_indices is not None and gt_indices.shape != types.shape:
        raise ValueError(f'prompt gt_indices of {record} must have shape ({len(types)},), '
                         f'got {tuple(gt_indices.shape)}')


def _check_clicks(prompts: InstanceData, record: str, width: int, height: int) -> None:
    """Shapes and bounds of the optional ``clicks`` / ``click_labels`` fields."""
    clicks, labels = prompts.get('clicks'), prompts.get('click_labels')
    if clicks is None and labels is None:
        return
    if clicks is None or labels is None or clicks.dim() != 3 or clicks.shape[-1] != 2 \
            or labels.shape != clicks.shape[:2] or len(labels) != len(prompts):
        raise ValueError(f'prompt clicks of {record} need `clicks` (N, K, 2) and `click_labels` (N, K) for '
                         f'N={len(prompts)} prompts')
    valid = labels != CLICK_PADDING
    outside = valid & ((clicks < 0) | (clicks > clicks.new_tensor([width, height]))).any(-1)
    if outside.any():
        index, click = (int(v) for v in outside.nonzero()[0])
        raise ValueError(f'click {click} of prompt {index} of {record} '
                         f'({[round(float(v), 2) for v in clicks[index, click]]}) lies outside the image '
                         f'(width {width}, height {height})')


def one_query_prompt_problem(prompts: InstanceData) -> str | None:
    """Why an encoder of one point or one box per query cannot use ``prompts`` (None if it can)."""
    labels = prompts.get('click_labels')
    if labels is None:
        return None
    for index, (row, kind) in enumerate(zip(labels.tolist(), prompts.types.tolist())):
        row = [label for label in row if label != CLICK_PADDING]
        if CLICK_NEGATIVE in row:
            return f'prompt {index} has a negative click'
        if kind == PROMPT_BOX and row:
            return f'prompt {index} has a box and {len(row)} click(s)'
        if kind == PROMPT_POINT and len(row) != 1:
            return f'prompt {index} has {len(row)} clicks'
    return None


def _raise_at(record: str, bboxes: Tensor, bad: Tensor, problem: str) -> None:
    """Raise for the first prompt flagged in ``bad``."""
    if bad.any():
        index = int(bad.nonzero()[0])
        coords = [round(float(v), 2) for v in bboxes[index]]
        raise ValueError(f'prompt {index} of {record} (xyxy {coords}) {problem}')
