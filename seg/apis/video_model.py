"""The per-frame model calls of the video predictor: encode a frame once, decode prompt queries on it.

These two functions are the only places the video object API touches the detector; they mirror the
detector's ``encode(images) -> features`` / ``decode(features, prompts)`` split (issue #14, item 6) and can be
switched to it in one place.
"""
from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData
from torch import Tensor, nn

from seg.models.query_generators import deepest_mask_points, make_prompts, mask_boxes

from .feature_cache import cached_pixel_decoder

PROPAGATION_PROMPT_KINDS = ('box', 'point')


class FrameFeatures(NamedTuple):
    """One encoded frame: backbone features, pixel-decoder outputs (mask features, memories), its meta."""

    backbone: tuple[Tensor, ...]
    pixel_decoder: tuple
    meta: dict


class PromptDecoding(NamedTuple):
    """Decoder outputs of P prompt queries on one frame: foreground probabilities (P, h, w) in the
    ``img_shape`` frame and class logits (P, N+1) over the current vocabulary (background last)."""

    probs: Tensor
    cls_logits: Tensor


@torch.no_grad()
def encode_frame(model: nn.Module, inputs: Tensor, sample: DetDataSample) -> FrameFeatures:
    """Backbone + pixel decoder of one frame (3, H, W) uint8, as the detector's test path runs them."""
    batch = model.data_preprocessor(dict(inputs=[inputs], data_samples=[sample.clone()]), False)
    backbone = tuple(model.extract_feat(batch['inputs']))
    pixel_decoder = model.panoptic_head.pixel_decoder([feat.contiguous() for feat in backbone])
    return FrameFeatures(backbone, pixel_decoder, batch['data_samples'][0].metainfo)


@torch.no_grad()
def decode_prompts(model: nn.Module, features: FrameFeatures, prompts: InstanceData) -> PromptDecoding:
    """Query decoder on an encoded frame with one query per prompt (input-frame pixels); class logits are
    open-vocabulary re-scored when the model does that."""
    head = model.panoptic_head
    sample = DetDataSample(metainfo=features.meta)
    sample.prompts = prompts.to(features.backbone[0].device)
    with cached_pixel_decoder(head, features.pixel_decoder):
        prediction = head.predict(features.backbone, [sample])
    cls_logits = prediction.cls_logits
    if model.seen_classes is not None:
        cls_logits = model.open_vocab_logits(features.backbone, prediction,
                                             features.meta['batch_input_shape'])
    height, width = features.meta['img_shape'][:2]
    count = len(prompts)
    probs = prediction.mask_logits[0, :count, :height, :width].float().sigmoid()
    return PromptDecoding(probs, cls_logits[0, :count].float())


def mask_prompts(masks: Tensor, kinds: tuple[str, ...]) -> InstanceData:
    """Prompts (kind-major: every mask's box, then every mask's centre click) of masks (K, h, w) in the input
    frame, as the VOS detector prompts the next frame from the previous one."""
    unknown = [kind for kind in kinds if kind not in PROPAGATION_PROMPT_KINDS]
    if not kinds or unknown:
        raise ValueError(f'propagation prompt kinds must be a non-empty subset of '
                         f'{PROPAGATION_PROMPT_KINDS}, got {kinds!r}')
    boxes = mask_boxes(masks) if 'box' in kinds else None
    points = deepest_mask_points(masks) if 'point' in kinds else None
    return make_prompts(boxes=boxes, points=points)


def resize_probs(probs: Tensor, size: tuple[int, int]) -> Tensor:
    """Probabilities (K, h, w) resized bilinearly to ``size`` (the frame's original size)."""
    if probs.shape[0] == 0:
        return probs.new_zeros((0, *size))
    return F.interpolate(probs[None], size=tuple(size), mode='bilinear', align_corners=False)[0]
