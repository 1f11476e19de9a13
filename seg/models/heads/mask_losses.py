"""Mask BCE and Dice losses on importance-sampled points (Mask2Former / PointRend style)."""
from __future__ import annotations

import torch
from mmcv.ops import point_sample
from mmdet.models.utils import get_uncertain_point_coords_with_randomness
from torch import Tensor, nn


def point_sampled_mask_losses(mask_preds: Tensor, mask_targets: Tensor, num_masks: float, *,
                              loss_mask: nn.Module, loss_dice: nn.Module, num_points: int,
                              oversample_ratio: float, importance_sample_ratio: float
                              ) -> tuple[Tensor, Tensor]:
    """(loss_mask, loss_dice) of matched mask logits (M, h, w) vs binary targets (M, H, W).

    Points are drawn per mask in [0, 1]^2 (most uncertain of ``oversample_ratio * num_points`` random
    points plus random ones), predictions and targets are bilinearly sampled there. Both losses are
    normalised by ``num_masks`` (BCE also by ``num_points``). With no matched mask the losses are a
    graph-attached zero.
    """
    if mask_targets.shape[0] == 0:
        zero = mask_preds.sum()
        return zero, zero
    with torch.no_grad():
        points = get_uncertain_point_coords_with_randomness(
            mask_preds.unsqueeze(1), None, num_points, oversample_ratio, importance_sample_ratio)
        point_targets = point_sample(mask_targets.unsqueeze(1).float(), points).squeeze(1)
    point_preds = point_sample(mask_preds.unsqueeze(1), points).squeeze(1)
    dice = loss_dice(point_preds, point_targets, avg_factor=num_masks)
    bce = loss_mask(point_preds.reshape(-1), point_targets.reshape(-1), avg_factor=num_masks * num_points)
    return bce, dice
