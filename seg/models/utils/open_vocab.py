"""Geometric ensemble of query-classifier and mask-pooled-CLIP class probabilities."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def ensemble_open_vocab_logits(query_logits: Tensor, clip_logits: Tensor, valid: Tensor, seen: Tensor,
                               alpha: float = 0.4, beta: float = 0.8) -> Tensor:
    """Log-probabilities (B, Q, N+1) mixing query and CLIP class probabilities.

    query_logits, clip_logits: (B, Q, N+1), background last. valid: (B, Q) bool, query has a non-empty
    mask (otherwise the CLIP term is ignored). seen: (N,) bool, class was in the training vocabulary.
    For seen classes p = p_query^(1-alpha) * p_clip^alpha, for unseen ones beta replaces alpha; the
    result is renormalised over classes and scaled by (1 - p_void) of the query classifier.
    """
    num_classes = query_logits.shape[-1] - 1
    p_query = F.softmax(query_logits[..., :num_classes], dim=-1)
    p_clip = F.softmax(clip_logits[..., :num_classes], dim=-1)
    weight = valid.to(p_query.dtype).unsqueeze(-1)
    a, b = alpha * weight, beta * weight
    seen = seen.to(device=p_query.device, dtype=p_query.dtype)
    score_seen = torch.log(p_query ** (1 - a) * p_clip ** a) * seen
    score_unseen = torch.log(p_query ** (1 - b) * p_clip ** b) * (1 - seen)
    p_void = F.softmax(query_logits, dim=-1)[..., -1:]
    probs = torch.cat([F.softmax(score_seen + score_unseen, dim=-1) * (1 - p_void), p_void], dim=-1)
    return torch.log(probs + 1e-8)
