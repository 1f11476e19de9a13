"""Interactive (prompted) segmentation mIoU: the plain mean of per-prompt mask IoUs."""
from __future__ import annotations

import numpy as np

from .fileio import EvalInputError

__all__ = ['interactive_miou', 'prompt_ious']

_EPSILON = 1e-8


def prompt_ious(pred_masks: np.ndarray, gt_masks: np.ndarray) -> np.ndarray:
    """IoU of each predicted mask with its prompt's GT mask; (N, H, W) -> (N,). Empty union gives 0."""
    pred_masks, gt_masks = np.asarray(pred_masks, bool), np.asarray(gt_masks, bool)
    if pred_masks.shape != gt_masks.shape:
        raise EvalInputError(f'predicted masks {pred_masks.shape} and GT masks {gt_masks.shape} '
                             'differ in shape')
    flat_pred = pred_masks.reshape(len(pred_masks), -1)
    flat_gt = gt_masks.reshape(len(gt_masks), -1)
    inter = (flat_pred & flat_gt).sum(-1)
    union = (flat_pred | flat_gt).sum(-1)
    return inter / (union + _EPSILON)


def interactive_miou(ious) -> float:
    """Mean IoU over all prompts of all images, in percent (0 when there is no prompt)."""
    values = np.concatenate([np.ravel(v) for v in ious]) if len(ious) else np.zeros(0)
    return 100 * float(values.mean()) if values.size else 0.0
