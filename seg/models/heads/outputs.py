"""Named containers for the query decoder's inputs and outputs."""
from __future__ import annotations

from typing import NamedTuple

from torch import Tensor


class DecoderQueries(NamedTuple):
    """Initial decoder queries: content (B, Q, C), positional part (B, Q, C), self-attention mask.

    ``self_attn_mask`` is None (queries see each other) or bool (Q, Q) with True = blocked.
    """

    content: Tensor
    pos: Tensor
    self_attn_mask: Tensor | None = None


class PixelFeatures(NamedTuple):
    """Pixel-decoder outputs of a batch: mask features (B, C, H/4, W/4), multi-scale memories (B, C, h, w)."""

    mask_features: Tensor
    memories: tuple[Tensor, ...]


class HeadOutputs(NamedTuple):
    """Per prediction set (initial queries + every decoder layer; the last only when the head's
    ``lean_decoder`` inference mode is on), best last.

    cls_logits: (B, Q, N_cls + 1), background last. mask_logits: (B, Q, h, w) at 1/4 input size.
    objectness: (B, Q) logits of "this query is matched to an object". query_embeds: final decoder
    output before the post-norm (B, Q, C), e.g. a tracking embedding.
    """

    cls_logits: list[Tensor]
    mask_logits: list[Tensor]
    objectness: list[Tensor]
    query_embeds: Tensor


class HeadPrediction(NamedTuple):
    """Last prediction set for inference; mask logits upsampled to the padded input size (B, Q, H, W)."""

    cls_logits: Tensor
    mask_logits: Tensor
    objectness: Tensor
    query_embeds: Tensor
