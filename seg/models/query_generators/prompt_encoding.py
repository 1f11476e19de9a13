"""Point / box prompts -> decoder queries (content = type embedding + mask token, position = sine code)."""
from __future__ import annotations

import math

import torch
from mmdet.models.layers.transformer.utils import coordinate_to_encoding, inverse_sigmoid
from mmdet.registry import TASK_UTILS
from mmengine.structures import InstanceData
from torch import Tensor, nn

from ..heads.outputs import DecoderQueries
from .prompts import PROMPT_BOX, PROMPT_POINT, check_prompts, one_query_prompt_problem

CANVASES = ('batch_input_shape', 'img_shape')


def boxes_to_normalized_cxcywh(boxes: Tensor, canvas_hw: tuple[int, int]) -> Tensor:
    """xyxy pixel boxes (..., 4) -> (cx, cy, w, h) divided by the canvas width / height."""
    height, width = canvas_hw
    x1, y1, x2, y2 = (boxes / boxes.new_tensor([width, height, width, height])).unbind(-1)
    return torch.stack([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1], dim=-1)


def jitter_cxcywh(boxes: Tensor, scale: float = 0.4, generator: torch.Generator | None = None) -> Tensor:
    """Training noise of the reference: cx, cy move by up to 0.01*w/2, 0.01*h/2 (times ``scale``), w, h by up
    to 0.01*w, 0.01*h (times ``scale``); clamped to [0, 1]. Zero-size points stay put."""
    wh = boxes[..., 2:]
    max_shift = torch.cat([wh / 2, wh], dim=-1) * 0.01
    noise = torch.rand(boxes.shape, generator=generator).to(boxes) * 2 - 1
    return (boxes + noise * max_shift * scale).clamp(0.0, 1.0)


def prompt_position_code(boxes: Tensor, num_feats: int = 128, temperature: int = 10000) -> Tensor:
    """Sine code (B, N, 4 * num_feats) of normalised (cx, cy, w, h) boxes (B, N, 4), order [cy, cx, w, h]."""
    clamped = inverse_sigmoid(boxes).sigmoid()  # the reference's clamp to [eps, 1 - eps]
    return coordinate_to_encoding(clamped, num_feats=num_feats, temperature=temperature, scale=2 * math.pi)


@TASK_UTILS.register_module()
class PromptQueryGenerator:
    """Encodes each image's prompts as decoder queries; prompts never see each other.

    content = ``type_embedding[type] + mask_token``; position = ``pos_linear(sine code of the normalised
    (cx, cy, w, h))``; self-attention mask = everything blocked except the diagonal. Images with fewer
    prompts are padded (whole-canvas box) up to the batch maximum; padded queries do not influence the
    others and are dropped by the callers (``len(prompts)`` per image).

    Args:
        point_as_box: encode a click (x, y) as the box ``[x - s/2, y - s/2, x + s/2, y + s/2]``
            (s = ``pseudo_box_size``) with the *box* embedding, as the published weights were trained
            (GAPS.md 3.7). Default: clicks use the point embedding.
        pseudo_box_size: s above, in input pixels (reference: 6).
        canvas: what coordinates are normalised by: ``'batch_input_shape'`` (the padded canvas, consistent
            with the pixel tokens' positional code; default) or ``'img_shape'`` (the un-padded image, as the
            reference does, GAPS.md 3.6; needed by the published weights).
        jitter_scale: training-time box noise (see :func:`jitter_cxcywh`); 0 disables it.
        num_feats, temperature: sine code per coordinate (4 * num_feats must be ``pos_linear``'s input).
    """

    takes_click_sets = False  # one point or one box per query; see ClickSetPromptEncoder

    def __init__(self, *, point_as_box: bool = False, pseudo_box_size: float = 6.0,
                 canvas: str = 'batch_input_shape', jitter_scale: float = 0.4, num_feats: int = 128,
                 temperature: int = 10000) -> None:
        if canvas not in CANVASES:
            raise ValueError(f'canvas must be one of {CANVASES}, got {canvas!r}')
        self.point_as_box = point_as_box
        self.pseudo_box_size = pseudo_box_size
        self.canvas = canvas
        self.jitter_scale = jitter_scale
        self.num_feats = num_feats
        self.temperature = temperature

    def boxes_and_types(self, prompts: InstanceData) -> tuple[Tensor, Tensor]:
        """xyxy boxes (N, 4) and embedding rows (N,) after the optional click -> pseudo-box conversion."""
        boxes, types = prompts.bboxes.float(), prompts.types.long()
        if self.point_as_box:
            is_point = (types == PROMPT_POINT)[:, None]
            half = self.pseudo_box_size / 2
            boxes = torch.where(is_point, boxes + boxes.new_tensor([-half, -half, half, half]), boxes)
            types = torch.full_like(types, PROMPT_BOX)
        return boxes, types

    def normalized_boxes(self, prompts: InstanceData, meta: dict) -> tuple[Tensor, Tensor]:
        """Normalised (cx, cy, w, h) (N, 4) and embedding rows (N,) of one image's prompts."""
        boxes, types = self.boxes_and_types(prompts)
        return boxes_to_normalized_cxcywh(boxes, tuple(meta[self.canvas][:2])), types

    def check_supported(self, prompts: InstanceData, record: str) -> None:
        """Raise when ``prompts`` hold what this encoder cannot use (several / negative clicks per query)."""
        problem = None if self.takes_click_sets else one_query_prompt_problem(prompts)
        if problem is not None:
            raise ValueError(
                f'{record}: {problem}, but this model encodes one positive click or one box per prompt '
                f'({type(self).__name__}, the published weights\' prompt encoding); give one click or one '
                'box per object, or use a model trained with '
                'panoptic_head.prompt_encoder=dict(type="ClickSetPromptEncoder")')

    def __call__(self, batch_prompts: list[InstanceData], batch_metas: list[dict], *, mask_token: Tensor,
                 type_embedding: nn.Embedding, pos_linear: nn.Module, training: bool) -> DecoderQueries:
        """Queries (B, N_max, C) of every image's prompts, with the diagonal-only self-attention mask."""
        device = mask_token.device
        for index, (prompts, meta) in enumerate(zip(batch_prompts, batch_metas)):
            record = str(meta.get('img_path', f'batch image {index}'))
            check_prompts(prompts, meta['img_shape'], record=record)
            self.check_supported(prompts, record)
        num_max = max(1, max(len(p) for p in batch_prompts))
        boxes = torch.tensor([0.5, 0.5, 1.0, 1.0], device=device).repeat(len(batch_prompts), num_max, 1)
        types = torch.full((len(batch_prompts), num_max), PROMPT_BOX, dtype=torch.long, device=device)
        for index, (prompts, meta) in enumerate(zip(batch_prompts, batch_metas)):
            image_boxes, image_types = self.normalized_boxes(prompts.to(device), meta)
            boxes[index, :len(prompts)] = image_boxes
            types[index, :len(prompts)] = image_types
        if training and self.jitter_scale > 0:
            boxes = jitter_cxcywh(boxes, self.jitter_scale)
        content = type_embedding(types) + mask_token.reshape(1, 1, -1)
        code = prompt_position_code(boxes, self.num_feats, self.temperature)
        pos = pos_linear(code.to(pos_linear.weight.dtype))
        self_attn_mask = ~torch.eye(num_max, dtype=torch.bool, device=device)
        return DecoderQueries(content, pos, self_attn_mask)
