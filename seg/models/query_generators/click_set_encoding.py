"""Prompt encoder for a set of labelled clicks (+ an optional box) per object, as one query."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from mmdet.registry import TASK_UTILS
from mmengine.structures import InstanceData
from torch import Tensor, nn

from ..heads.outputs import DecoderQueries
from ..utils.mask_pooling import mask_pool
from .prompt_encoding import PromptQueryGenerator, boxes_to_normalized_cxcywh, prompt_position_code
from .prompts import CLICK_NEGATIVE, CLICK_PADDING, CLICK_POSITIVE, PROMPT_POINT


def prompt_clicks(prompts: InstanceData) -> tuple[Tensor, Tensor]:
    """Clicks (N, K, 2) and labels (N, K) of a prompt set; sets without ``clicks`` have one positive click
    per point prompt and none for boxes."""
    if prompts.get('clicks') is not None:
        return prompts.clicks.float(), prompts.click_labels.long()
    is_point = prompts.types == PROMPT_POINT
    labels = torch.where(is_point, CLICK_POSITIVE, CLICK_PADDING).long()[:, None]
    return prompts.bboxes[:, None, :2].float(), labels


@TASK_UTILS.register_module()
class ClickSetPromptEncoder(nn.Module, PromptQueryGenerator):
    """:class:`PromptQueryGenerator` whose query also encodes all of the object's clicks.

    content = ``type_embedding[type] + mask_token + mean over valid clicks k of (label_embed[label_k] +
    click_proj(sine code of click k))``; position = the box's, or the first positive click's, code (as
    the base class). Its parameters (``label_embed`` (2, C), ``click_proj`` (C, 4 * num_feats)) live under
    ``panoptic_head.prompt_encoder.*``: only models built with this encoder have them.

    Args:
        embed_dims: query width C (the head fills in its ``feat_channels``).
        split_labels: project negative clicks with a layer of their own (``negative_proj``) and average
            positive and negative clicks separately, so that the two kinds do not blur into one position.
        max_train_clicks: training draws 1 .. this many clicks per prompt (click simulation, see
            ``PromptQueryMixin.simulate_training_clicks``).
        mask_feedback: refine from the previous mask (SAM's ``mask_input``): prompts may carry
            ``mask_inputs`` (N, h, w), the mask logits of the previous round in the padded-input frame
            (any resolution, usually the decoder's 1/4); the content then also gets ``mask_proj`` (C, C, no
            bias) of the pixel-decoder features averaged under ``mask_inputs > 0`` (0 for an empty mask, e.g.
            a row of zeros = "no previous mask"). Training passes each simulated round's mask to the next.
        click_features: give the query what the clicked pixels look like: the pixel-decoder features (the
            ``mask_features`` the mask embedding is matched against) are sampled bilinearly at each click,
            averaged over the positive and over the negative clicks separately, and the content gets
            ``positive_feature_proj(positive mean) + negative_feature_proj(negative mean)`` (C, C each, no
            bias; 0 for a kind without clicks, e.g. a box-only prompt).
        Other arguments: as :class:`PromptQueryGenerator`.
    """

    takes_click_sets = True
    takes_embed_dims = True

    def __init__(self, *, embed_dims: int, max_train_clicks: int = 5, split_labels: bool = False,
                 mask_feedback: bool = False, click_features: bool = False, **kwargs) -> None:
        nn.Module.__init__(self)
        PromptQueryGenerator.__init__(self, **kwargs)
        if max_train_clicks < 1:
            raise ValueError(f'max_train_clicks must be >= 1, got {max_train_clicks}')
        self.max_train_clicks = max_train_clicks
        self.label_embed = nn.Embedding(2, embed_dims)  # row 0 = negative, row 1 = positive click
        self.click_proj = nn.Linear(4 * self.num_feats, embed_dims)
        self.split_labels = split_labels
        if split_labels:
            self.negative_proj = nn.Linear(4 * self.num_feats, embed_dims)
        self.mask_feedback = mask_feedback
        if mask_feedback:
            self.mask_proj = nn.Linear(embed_dims, embed_dims, bias=False)
        self.click_features = click_features
        if click_features:
            self.positive_feature_proj = nn.Linear(embed_dims, embed_dims, bias=False)
            self.negative_feature_proj = nn.Linear(embed_dims, embed_dims, bias=False)

    @property
    def takes_mask_inputs(self) -> bool:
        """Whether prompts may carry ``mask_inputs`` (previous-round mask logits)."""
        return self.mask_feedback

    @property
    def takes_mask_features(self) -> bool:
        """Whether the encoder needs the pixel decoder's ``mask_features`` (previous masks, clicks)."""
        return self.mask_feedback or self.click_features

    def forward(self, batch_prompts: list[InstanceData], batch_metas: list[dict], *, mask_token: Tensor,
                type_embedding: nn.Embedding, pos_linear: nn.Module, training: bool,
                mask_features: Tensor | None = None) -> DecoderQueries:
        """Queries (B, N_max, C) as the base class, plus the click-set term (and, with ``mask_feedback`` /
        ``click_features``, the previous-mask / clicked-feature terms on ``mask_features`` (B, C, h, w),
        which cover the padded input ``batch_input_shape``) in the content."""
        queries = PromptQueryGenerator.__call__(
            self, batch_prompts, batch_metas, mask_token=mask_token, type_embedding=type_embedding,
            pos_linear=pos_linear, training=training)
        click_term = torch.zeros_like(queries.content)
        for index, (prompts, meta) in enumerate(zip(batch_prompts, batch_metas)):
            if len(prompts):
                prompts = prompts.to(mask_token.device)
                click_term[index, :len(prompts)] = self.click_content(prompts, meta)
                click_term[index, :len(prompts)] += self.mask_content(prompts, mask_features, index, meta)
                click_term[index, :len(prompts)] += self.feature_content(prompts, mask_features, index, meta)
        return queries._replace(content=queries.content + click_term)

    def mask_content(self, prompts: InstanceData, mask_features: Tensor | None, index: int,
                     meta: dict) -> Tensor | float:
        """``mask_proj`` of the features (N, C) pooled under each prompt's ``mask_inputs``; 0 without them."""
        mask_inputs = prompts.get('mask_inputs')
        if mask_inputs is None:
            return 0.0
        record = meta.get('img_path', 'an image')
        if not self.mask_feedback:
            raise ValueError(f'prompts of {record} carry mask_inputs (a previous mask) but the prompt '
                             'encoder was built without them: set mask_feedback=True and train it')
        if mask_features is None:
            raise ValueError(f'prompts of {record} carry mask_inputs but no mask features were given')
        if mask_inputs.dim() != 3 or len(mask_inputs) != len(prompts):
            raise ValueError(f'mask_inputs of {record} must have shape (N={len(prompts)}, h, w), '
                             f'got {tuple(mask_inputs.shape)}')
        features = mask_features[index:index + 1]
        pooled = mask_pool(features, mask_inputs[None].to(features.dtype))[0]
        return self.mask_proj(pooled.to(self.mask_proj.weight.dtype))

    def feature_content(self, prompts: InstanceData, mask_features: Tensor | None, index: int,
                        meta: dict) -> Tensor | float:
        """Projected mean features (N, C) at the positive and the negative clicks (0 without the option)."""
        if not self.click_features:
            return 0.0
        if mask_features is None:
            record = meta.get('img_path', 'an image')
            raise ValueError(f'{record}: click_features=True needs the mask features, none were given')
        clicks, labels = prompt_clicks(prompts)
        sampled = sample_at_clicks(mask_features[index], clicks, tuple(meta['batch_input_shape'][:2]))
        sampled = sampled.to(self.positive_feature_proj.weight.dtype)
        positive = self.positive_feature_proj(_masked_mean(sampled, labels == CLICK_POSITIVE))
        return positive + self.negative_feature_proj(_masked_mean(sampled, labels == CLICK_NEGATIVE))

    def click_content(self, prompts: InstanceData, meta: dict) -> Tensor:
        """Mean click embedding (N, C) of each prompt (0 for prompts without clicks)."""
        clicks, labels = prompt_clicks(prompts)
        as_boxes = torch.cat([clicks, clicks], dim=-1)
        normalized = boxes_to_normalized_cxcywh(as_boxes, tuple(meta[self.canvas][:2]))
        code = prompt_position_code(normalized, self.num_feats, self.temperature)
        code = code.to(self.click_proj.weight.dtype)
        embeds = self.click_proj(code) + self.label_embed(labels.clamp(min=0))
        if not self.split_labels:
            return _masked_mean(embeds, labels != CLICK_PADDING)
        negatives = self.negative_proj(code) + self.label_embed(labels.clamp(min=0))
        positive = _masked_mean(embeds, labels == CLICK_POSITIVE)
        return positive + _masked_mean(negatives, labels == CLICK_NEGATIVE)


def sample_at_clicks(features: Tensor, clicks: Tensor, input_hw: tuple[int, int]) -> Tensor:
    """Features (C, h, w) covering a padded input of size ``input_hw``, sampled bilinearly at clicks (N, K, 2)
    (x, y in input pixels; a pixel's centre is at +0.5) -> (N, K, C)."""
    height, width = input_hw
    scale = clicks.new_tensor([width, height])
    grid = (clicks.to(features.device).float() / scale * 2 - 1).to(features.dtype)
    sampled = F.grid_sample(features[None], grid[None], mode='bilinear', padding_mode='border',
                            align_corners=False)  # (1, C, N, K)
    return sampled[0].permute(1, 2, 0)


def _masked_mean(values: Tensor, keep: Tensor) -> Tensor:
    """Mean (N, C) of values (N, K, C) over the K entries where ``keep`` (N, K); 0 where there is none."""
    weights = keep.to(values.dtype)[..., None]
    return (values * weights).sum(1) / weights.sum(1).clamp(min=1)
