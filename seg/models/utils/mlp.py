"""Small multi-layer perceptrons with the reference's ``nn.Sequential`` layout (Linear/ReLU/…)."""
from __future__ import annotations

from torch import nn


def mlp(in_dims: int, hidden_dims: int, out_dims: int, num_layers: int = 3) -> nn.Sequential:
    """``num_layers`` Linear layers with ReLU between them; Linear i sits at index 2*i."""
    layers: list[nn.Module] = []
    dims = [in_dims] + [hidden_dims] * (num_layers - 1) + [out_dims]
    for i in range(num_layers):
        layers.append(nn.Linear(dims[i], dims[i + 1]))
        if i < num_layers - 1:
            layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)
