"""Prompts drawn from ground-truth masks: random clicks / boxes for training, centre clicks for evaluation."""
from __future__ import annotations

import math

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from mmdet.registry import TASK_UTILS
from mmengine.structures import InstanceData
from torch import Tensor

from .prompts import PROMPT_BOX, PROMPT_POINT


def mask_boxes(masks: Tensor) -> Tensor:
    """Tight xyxy boxes (N, 4) of binary masks (N, H, W), pixel edges (x2 = last column + 1); 0 if empty."""
    if masks.shape[0] == 0:
        return masks.new_zeros((0, 4), dtype=torch.float32)
    masks = masks.bool()
    height, width = masks.shape[-2:]
    rows, cols = masks.any(-1), masks.any(-2)
    ys = torch.arange(height, device=masks.device)
    xs = torch.arange(width, device=masks.device)
    y1 = torch.where(rows, ys, height).min(-1).values
    y2 = torch.where(rows, ys + 1, 0).max(-1).values
    x1 = torch.where(cols, xs, width).min(-1).values
    x2 = torch.where(cols, xs + 1, 0).max(-1).values
    boxes = torch.stack([x1, y1, x2, y2], -1).float()
    return torch.where(masks.flatten(1).any(-1, keepdim=True), boxes, torch.zeros_like(boxes))


def random_mask_points(masks: Tensor, generator: torch.Generator | None = None) -> Tensor:
    """One pixel centre (x + 0.5, y + 0.5) per non-empty mask (N, H, W), uniform over its pixels."""
    flat = masks.flatten(1).float()
    if (flat.sum(-1) == 0).any():
        raise ValueError('random_mask_points: cannot draw a point from an empty mask')
    index = torch.multinomial(flat.cpu(), 1, generator=generator).squeeze(-1).to(masks.device)
    width = masks.shape[-1]
    return torch.stack([index % width, index // width], -1).float() + 0.5


def deepest_mask_points(masks: Tensor) -> Tensor:
    """Per mask (N, H, W), the pixel centre farthest from background and image border (distance transform).

    Ties go to the first pixel in row-major order; an empty mask gives (0.5, 0.5).
    """
    points = []
    for mask in masks.bool().cpu().numpy().astype(np.uint8):
        padded = cv2.copyMakeBorder(mask, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
        distance = cv2.distanceTransform(padded, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)[1:-1, 1:-1]
        row, col = divmod(int(np.argmax(distance)), mask.shape[1])
        points.append((col + 0.5, row + 0.5))
    return torch.tensor(points, dtype=torch.float32, device=masks.device).reshape(-1, 2)


def approximate_distance_transform(image: Tensor, kernel_size: int = 3, h: float = 0.35) -> Tensor:
    """Kornia's ``distance_transform`` (the reference's click location), re-implemented: distance (B, C, H, W)
    of every pixel to the nearest non-zero pixel of ``image``, grown ``kernel_size // 2`` pixels per step by
    a soft minimum (temperature ``h``) over the neighbourhood, replicate border."""
    n_iters = math.ceil(max(image.shape[2], image.shape[3]) / math.floor(kernel_size / 2))
    offsets = torch.arange(kernel_size, dtype=image.dtype, device=image.device) - kernel_size // 2
    kernel = torch.exp(torch.hypot(offsets[:, None], offsets[None, :]) / -h)
    weight = kernel.expand(image.shape[1], 1, kernel_size, kernel_size)
    pad = kernel_size // 2
    out = torch.zeros_like(image)
    boundary = image.clone()
    for i in range(n_iters):
        padded = F.pad(boundary, (pad, pad, pad, pad), mode='replicate')
        cdt = -h * torch.log(F.conv2d(padded, weight, groups=image.shape[1]))
        cdt = torch.nan_to_num(cdt, posinf=0.0)
        grown = cdt > 0
        if not grown.any():
            break
        out += (i * pad + cdt) * grown
        boundary = torch.where(grown, torch.ones_like(boundary), boundary)
    return out


def reference_mask_points(masks: Tensor) -> Tensor:
    """The reference's evaluation click per mask (N, H, W): arg-max of the approximate distance transform
    (:func:`approximate_distance_transform`) to the background and the border, at integer pixel
    coordinates (x = column, y = row), not pixel centres."""
    points = []
    width = masks.shape[-1]
    for mask in masks.bool():
        background = ~F.pad(mask[None, None], (1, 1, 1, 1), value=False)
        distance = approximate_distance_transform(background.float())[:, :, 1:-1, 1:-1]
        row, col = divmod(int(distance.argmax()), width)
        points.append((float(col), float(row)))
    return torch.tensor(points, dtype=torch.float32, device=masks.device).reshape(-1, 2)


CLICK_RULES = {'exact': deepest_mask_points, 'reference': reference_mask_points}


def _point_boxes(points: Tensor) -> Tensor:
    """Points (N, 2) as zero-size boxes (N, 4)."""
    return torch.cat([points, points], dim=-1)


@TASK_UTILS.register_module()
class PromptSampler:
    """Builds the prompts of a 'sam' (class-agnostic) image from its GT masks.

    Training (:meth:`training_prompts`): ``num_prompts`` prompts per image. Instances are drawn without
    replacement in random order; with fewer instances than prompts the random order is cycled, so every
    instance gets ``num_prompts // n`` or one more prompts. Each prompt is a box (tight box of the mask)
    with probability ``box_prob``, else a click on a uniformly drawn mask pixel. (The reference takes the
    first 20 instances in annotation order and only clicks, see GAPS.md 3.7-3.8.)

    Evaluation (:meth:`evaluation_prompts`): one prompt per GT instance, in GT order: the mask's
    distance-transform centre (``'point'``) or its tight box (``'box'``). ``eval_click``: ``'exact'``
    (exact Euclidean distance transform, pixel centre) or ``'reference'`` (kornia's approximate transform,
    integer pixel, as the published interactive numbers were measured).
    """

    def __init__(self, *, num_prompts: int = 20, box_prob: float = 0.5, eval_prompt_type: str = 'point',
                 eval_click: str = 'exact'):
        if eval_click not in CLICK_RULES:
            raise ValueError(f'eval_click must be one of {sorted(CLICK_RULES)}, got {eval_click!r}')
        self.eval_click = eval_click
        if num_prompts < 1:
            raise ValueError(f'num_prompts must be >= 1, got {num_prompts}')
        if not 0.0 <= box_prob <= 1.0:
            raise ValueError(f'box_prob must be in [0, 1], got {box_prob}')
        if eval_prompt_type not in ('point', 'box'):
            raise ValueError(f"eval_prompt_type must be 'point' or 'box', got {eval_prompt_type!r}")
        self.num_prompts = num_prompts
        self.box_prob = box_prob
        self.eval_prompt_type = eval_prompt_type

    def training_prompts(self, masks: Tensor, generator: torch.Generator | None = None) -> InstanceData:
        """``num_prompts`` prompts (with ``gt_indices``) from masks (N, H, W); empty masks are skipped."""
        candidates = masks.flatten(1).any(-1).nonzero().squeeze(-1).cpu()
        if len(candidates) == 0:
            return InstanceData(bboxes=masks.new_zeros((0, 4), dtype=torch.float32),
                                types=torch.zeros(0, dtype=torch.long, device=masks.device),
                                gt_indices=torch.zeros(0, dtype=torch.long, device=masks.device))
        order = candidates[torch.randperm(len(candidates), generator=generator)]
        gt_indices = order.repeat(self.num_prompts // len(order) + 1)[:self.num_prompts].to(masks.device)
        chosen = masks[gt_indices].bool()
        is_box = torch.rand(self.num_prompts, generator=generator) < self.box_prob
        is_box = is_box.to(masks.device)
        bboxes = torch.where(is_box[:, None], mask_boxes(chosen),
                             _point_boxes(random_mask_points(chosen, generator)))
        types = torch.where(is_box, PROMPT_BOX, PROMPT_POINT).long()
        return InstanceData(bboxes=bboxes, types=types, gt_indices=gt_indices)

    def evaluation_prompts(self, masks: Tensor, prompt_type: str | None = None) -> InstanceData:
        """One prompt per mask (N, H, W) in GT order: centre click or tight box."""
        prompt_type = prompt_type or self.eval_prompt_type
        if prompt_type == 'point':
            bboxes, kind = _point_boxes(CLICK_RULES[self.eval_click](masks)), PROMPT_POINT
        elif prompt_type == 'box':
            bboxes, kind = mask_boxes(masks), PROMPT_BOX
        else:
            raise ValueError(f"prompt_type must be 'point' or 'box', got {prompt_type!r}")
        num = masks.shape[0]
        types = torch.full((num,), kind, dtype=torch.long, device=masks.device)
        return InstanceData(bboxes=bboxes, types=types, gt_indices=torch.arange(num, device=masks.device))
