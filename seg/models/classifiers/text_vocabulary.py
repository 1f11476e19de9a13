"""A class vocabulary as the model uses it: text bank, thing / stuff split, seen classes."""
from __future__ import annotations

from typing import NamedTuple

from torch import Tensor


class TextVocabulary(NamedTuple):
    """Text bank (N, K, D) of N classes (K synonyms, unit norm), the first ``num_things`` of them things;
    ``seen_classes`` (N,) bool turns open-vocabulary re-scoring on (None: off)."""

    bank: Tensor
    num_things: int
    seen_classes: Tensor | None = None

    @property
    def num_classes(self) -> int:
        return int(self.bank.shape[0])
