"""Average features inside binarised mask logits (no gradient through the masks)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def mask_pool(features: Tensor, mask_logits: Tensor) -> Tensor:
    """Mean of ``features`` (B, C, H, W) over each mask ``mask_logits > 0`` (B, Q, h, w) -> (B, Q, C).

    Masks are resized bilinearly to (H, W) first when the sizes differ; empty masks pool to zero.
    """
    if mask_logits.shape[-2:] != features.shape[-2:]:
        mask_logits = F.interpolate(mask_logits, size=features.shape[-2:], mode='bilinear',
                                    align_corners=False)
    masks = (mask_logits > 0).to(features.dtype)
    masks = masks / (masks.sum(dim=(-1, -2), keepdim=True) + 1e-8)
    return torch.einsum('bchw,bqhw->bqc', features, masks)
