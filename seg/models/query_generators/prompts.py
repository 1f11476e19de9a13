"""Point / box prompts of one image: construction and validation.

A prompt set is an ``InstanceData`` with
  ``bboxes`` float32 (N, 4) xyxy in pixels of the network input (``img_shape``, after resizing, before
  padding); a point (x, y) is the zero-size box (x, y, x, y);
  ``types`` int64 (N,) 0 = box, 1 = point (the row of the head's prompt-type embedding);
  ``gt_indices`` int64 (N,) optional: index of the supervising GT instance (training / evaluation).
"""
from __future__ import annotations

import torch
from mmengine.structures import InstanceData
from torch import Tensor

PROMPT_BOX = 0
PROMPT_POINT = 1


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
    gt_indices = prompts.get('gt_indices')
    if gt_indices is not None and gt_indices.shape != types.shape:
        raise ValueError(f'prompt gt_indices of {record} must have shape ({len(types)},), '
                         f'got {tuple(gt_indices.shape)}')


def _raise_at(record: str, bboxes: Tensor, bad: Tensor, problem: str) -> None:
    """Raise for the first prompt flagged in ``bad``."""
    if bad.any():
        index = int(bad.nonzero()[0])
        coords = [round(float(v), 2) for v in bboxes[index]]
        raise ValueError(f'prompt {index} of {record} (xyxy {coords}) {problem}')
