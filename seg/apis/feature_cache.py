"""Re-run the query decoder on cached image features without recomputing backbone and pixel decoder."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from torch import nn


class _CachedOutputs(nn.Module):
    """Stands in for a module and returns the outputs it produced earlier, whatever the input."""

    def __init__(self, outputs: Any) -> None:
        super().__init__()
        self.outputs = outputs

    def forward(self, *args, **kwargs) -> Any:
        return self.outputs


@contextmanager
def cached_pixel_decoder(head: nn.Module, outputs: tuple) -> Iterator[None]:
    """Within the block ``head.pixel_decoder(...)`` returns ``outputs`` (mask features, memories)."""
    original = head.pixel_decoder
    head.pixel_decoder = _CachedOutputs(outputs)
    try:
        yield
    finally:
        head.pixel_decoder = original
