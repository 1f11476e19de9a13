"""Association of object queries between consecutive clips by their decoder embeddings (MinVIS)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from scipy.optimize import linear_sum_assignment
from torch import Tensor


def cosine_cost(reference: Tensor, current: Tensor) -> Tensor:
    """1 - cosine similarity (Q_ref, Q_cur) between reference (Q_ref, C) and current (Q_cur, C) embeddings.

    Computed in fp32 with autocast off.
    """
    with torch.autocast(device_type=reference.device.type, enabled=False):
        return 1.0 - F.normalize(reference.float(), dim=-1) @ F.normalize(current.float(), dim=-1).T


def associate_queries(reference: Tensor, current: Tensor) -> Tensor:
    """Permutation (Q,) with ``current[perm][i]`` the query matched to ``reference[i]``.

    Hungarian matching (scipy) minimising the summed cosine cost; reference and current are (Q, C).
    """
    if reference.shape != current.shape:
        raise ValueError(f'query embeddings of consecutive clips differ in shape: {tuple(reference.shape)} '
                         f'vs {tuple(current.shape)}')
    cost = cosine_cost(reference, current).cpu().numpy()
    rows, cols = linear_sum_assignment(cost)
    permutation = torch.empty(len(rows), dtype=torch.long)
    permutation[torch.as_tensor(rows)] = torch.as_tensor(cols, dtype=torch.long)
    return permutation.to(current.device)
