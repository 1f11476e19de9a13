"""The per-frame model calls of the video predictor: encode a frame once, decode prompt queries on it.

These two functions are the only places the video object API touches the detector: its
``encode(images) -> features`` / ``decode(features, prompts)`` split, the one the evaluation path uses.
"""
from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData
from torch import Tensor, nn

from seg.models.detectors.image_features import ImageFeatures
from seg.models.query_generators import deepest_mask_points, make_prompts, mask_boxes

PROPAGATION_PROMPT_KINDS = ('box', 'point')


FrameFeatures = ImageFeatures  # one encoded frame: backbone, pixel-decoder outputs, its meta


class PromptDecoding(NamedTuple):
    """Decoder outputs of P prompt queries on one frame: foreground probabilities (P, h, w) in the
    ``img_shape`` frame and class logits (P, N+1) over the current vocabulary (background last)."""

    probs: Tensor
    cls_logits: Tensor


@torch.no_grad()
def encode_frame(model: nn.Module, inputs: Tensor, sample: DetDataSample) -> FrameFeatures:
    """Backbone + pixel decoder of one frame (3, H, W) uint8, as the detector's test path runs them."""
    batch = model.data_preprocessor(dict(inputs=[inputs], data_samples=[sample.clone()]), False)
    modes = model.inference_modes
    return modes.run(model, model.encode, modes.inputs(batch['inputs']), batch['data_samples'])


@torch.no_grad()
def decode_prompts(model: nn.Module, features: FrameFeatures, prompts: InstanceData) -> PromptDecoding:
    """Query decoder on an encoded frame with one query per prompt (input-frame pixels); class logits are
    open-vocabulary re-scored when the model does that."""
    prompts = prompts.to(features.backbone[0].device)
    prediction = model.inference_modes.run(model, model.decode, features, [prompts], upsample=True)
    height, width = features.metainfos[0]['img_shape'][:2]
    count = len(prompts)
    probs = prediction.mask_logits[0, :count, :height, :width].float().sigmoid()
    return PromptDecoding(probs, prediction.cls_logits[0, :count].float())


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
