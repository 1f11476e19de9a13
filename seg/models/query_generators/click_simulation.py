"""SAM / RITM-style click simulation: the next click goes into the largest error region of a prediction."""
from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import torch
from torch import Tensor

from .prompts import CLICK_NEGATIVE, CLICK_PADDING, CLICK_POSITIVE

# clicks (N, K, 2) xy + labels (N, K) (1 / 0 / -1 padding), in the GT masks' frame -> masks (N, H, W) bool
Segmenter = Callable[[Tensor, Tensor], Tensor]


def _interior_distance(region: np.ndarray) -> np.ndarray:
    """Euclidean distance (H, W) of each pixel of ``region`` to the nearest pixel outside it or the border."""
    padded = cv2.copyMakeBorder(region.astype(np.uint8), 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    return cv2.distanceTransform(padded, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)[1:-1, 1:-1]


def next_click(pred: Tensor, gt: Tensor) -> tuple[float, float, int] | None:
    """Next corrective click for one object, as (x, y, label) at a pixel centre, or None if ``pred`` (H, W)
    equals ``gt`` (H, W).

    Misses (gt & ~pred) and false positives (pred & ~gt) are distance transformed (distance to the region's
    edge or the image border); the click goes to the farthest pixel of the two, positive (1) in a miss,
    negative (0) in a false positive; ties go to the miss, then to the first pixel in row-major order.
    With an empty ``pred`` this is the deepest point of the object (the usual first click).
    """
    pred, gt = pred.bool().cpu().numpy(), gt.bool().cpu().numpy()
    best = None
    for region, label in ((gt & ~pred, CLICK_POSITIVE), (pred & ~gt, CLICK_NEGATIVE)):
        if not region.any():
            continue
        distance = _interior_distance(region)
        index = int(np.argmax(distance))
        if best is None or distance.flat[index] > best[0]:
            row, col = divmod(index, region.shape[1])
            best = (float(distance.flat[index]), (col + 0.5, row + 0.5, label))
    return None if best is None else best[1]


def append_clicks(clicks: Tensor, labels: Tensor, preds: Tensor, gts: Tensor,
                  active: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """Clicks (N, K+1, 2) / labels (N, K+1): each object's next click appended (padding where its
    prediction is perfect or it is not ``active`` (N,) bool)."""
    new_clicks = clicks.new_zeros(len(clicks), 1, 2)
    new_labels = labels.new_full((len(labels), 1), CLICK_PADDING)
    for index in range(len(gts)):
        if active is not None and not bool(active[index]):
            continue
        click = next_click(preds[index], gts[index])
        if click is not None:
            new_clicks[index, 0] = clicks.new_tensor(click[:2])
            new_labels[index, 0] = click[2]
    return torch.cat([clicks, new_clicks], 1), torch.cat([labels, new_labels], 1)


def mask_ious(preds: Tensor, gts: Tensor) -> Tensor:
    """IoU (N,) of bool masks (N, H, W) with their GT (N, H, W); an empty union gives 0."""
    inter = (preds & gts).flatten(1).sum(-1).double()
    union = (preds | gts).flatten(1).sum(-1).double()
    return torch.where(union > 0, inter / union.clamp(min=1), torch.zeros_like(inter))


def simulate_clicks(segment: Segmenter, gts: Tensor, num_clicks: int) -> tuple[Tensor, Tensor]:
    """Interactive evaluation of objects ``gts`` (N, H, W) bool: ``num_clicks`` rounds of (next click,
    ``segment`` with every click so far). Returns the IoU after each click (N, num_clicks) float64 and the
    masks after the first click (N, H, W)."""
    gts = gts.bool()
    clicks = torch.zeros(len(gts), 0, 2)
    labels = torch.zeros(len(gts), 0, dtype=torch.long)
    preds = torch.zeros_like(gts)
    ious, first = [], None
    for _ in range(num_clicks):
        clicks, labels = append_clicks(clicks, labels, preds, gts)
        preds = segment(clicks, labels).bool().to(gts.device)
        first = preds if first is None else first
        ious.append(mask_ious(preds, gts))
    return torch.stack(ious, -1), first
