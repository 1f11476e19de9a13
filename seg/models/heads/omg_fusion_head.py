"""Panoptic / instance / semantic post-processing of query predictions (bounded memory or vectorised)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import torch
import torch.nn.functional as F
from mmdet.models.seg_heads.panoptic_fusion_heads import MaskFormerFusionHead
from mmdet.registry import MODELS
from mmdet.structures import SampleList
from mmdet.structures.mask import mask2bbox
from mmengine.structures import InstanceData, PixelData
from torch import Tensor

from .bounded_fusion import (
    instance_fusion,
    instance_mask_scores,
    paint_panoptic,
    panoptic_fusion,
    semantic_fusion,
    top_instance_pairs,
)
from .query_masks import QueryMasks, query_sigmoid

FUSION_MODES = ('bounded', 'vectorised')


@MODELS.register_module()
class OMGFusionHead(MaskFormerFusionHead):
    """mmdet's MaskFormer fusion head with bounded-memory panoptic / instance / semantic fusion.

    test_cfg keys: ``panoptic_on``, ``instance_on``, ``semantic_on``, ``object_mask_thr`` (0.8),
    ``iou_thr`` (0.8), ``filter_low_score`` (False), ``max_per_image`` (100).
    Panoptic ids: stuff = class, thing = class + k * INSTANCE_OFFSET (k = 1, 2, ... in query order),
    void = num_classes.

    Mask predictions are (Q, H, W) logits at the output size or :class:`QueryMasks` (low resolution plus
    the resampling chain). ``fusion_mode='bounded'`` (default) streams over queries, resampling only the
    queries a task needs, a chunk at a time (``bounded_fusion.py``); ``'vectorised'`` works on the whole
    (Q, H, W) tensor (the reference; memory grows with queries x pixels). Both give identical outputs.
    """

    # every test_cfg key this head (with mmdet's parent) reads; load_config refuses others
    test_cfg_keys = ('panoptic_on', 'instance_on', 'semantic_on', 'object_mask_thr', 'iou_thr',
                     'filter_low_score', 'max_per_image', 'panoptic_track_ids')

    def __init__(self, *, fusion_mode: str = 'bounded', **kwargs) -> None:
        if fusion_mode not in FUSION_MODES:
            raise ValueError(f'fusion_mode must be one of {FUSION_MODES}, got {fusion_mode!r}')
        super().__init__(**kwargs)
        self.fusion_mode = fusion_mode

    def _masks(self, mask_pred: Tensor | QueryMasks) -> QueryMasks | Tensor:
        """Mask source for the current mode: QueryMasks (bounded) or the full logits (vectorised)."""
        if self.fusion_mode == 'vectorised':
            return mask_pred.full() if isinstance(mask_pred, QueryMasks) else mask_pred
        return mask_pred if isinstance(mask_pred, QueryMasks) else QueryMasks(mask_pred)

    def panoptic_postprocess(self, mask_cls: Tensor, mask_pred: Tensor | QueryMasks,
                             track_ids: Tensor | None = None) -> PixelData:
        """Panoptic map (1, H, W) int32 from class logits (Q, N+1) and mask logits (Q, H, W) / QueryMasks.

        ``track_ids`` (Q,) int: instance number of each query's thing segment (video: query index + 1, the
        same in every frame); default: kept things counted 1, 2, ... in query order.
        """
        object_mask_thr = self.test_cfg.get('object_mask_thr', 0.8)
        options = dict(num_classes=self.num_classes, num_things=self.num_things_classes,
                       iou_thr=self.test_cfg.get('iou_thr', 0.8))
        filter_low_score = self.test_cfg.get('filter_low_score', False)
        scores, labels = F.softmax(mask_cls.float(), dim=-1).max(-1)
        keep = labels.ne(self.num_classes) & (scores > object_mask_thr)
        kept = keep.nonzero().squeeze(1)
        instance_ids = track_ids[keep] if track_ids is not None else None
        masks = self._masks(mask_pred)
        if isinstance(masks, QueryMasks):
            panoptic = panoptic_fusion(scores[keep], labels[keep], kept, masks, instance_ids=instance_ids,
                                       filter_low_score=filter_low_score, **options)
            return PixelData(sem_seg=panoptic[None])
        height, width = masks.shape[-2:]
        if len(kept) == 0:
            return PixelData(sem_seg=masks.new_full((1, height, width), self.num_classes, dtype=torch.int32))
        probs = query_sigmoid(masks[keep])
        owner = (scores[keep].view(-1, 1, 1) * probs).argmax(0)  # (H, W) index of the winning kept query
        area = torch.bincount(owner.flatten(), minlength=len(kept))
        original_area = (probs >= 0.5).flatten(1).sum(1)
        owner_probs = probs.gather(0, owner[None]).squeeze(0) if filter_low_score else None
        panoptic = paint_panoptic(owner, owner_probs, area, original_area, labels[keep],
                                  instance_ids=instance_ids, **options)
        return PixelData(sem_seg=panoptic[None])

    def instance_postprocess(self, mask_cls: Tensor, mask_pred: Tensor | QueryMasks,
                             score_thr: float | None = None) -> InstanceData:
        """mmdet's top-``max_per_image`` (query, class) instances, capped at the number of pairs.

        With ``score_thr`` (bounded mode) instances scoring below it are dropped before their masks are
        kept.
        """
        pairs = mask_cls.shape[0] * (mask_cls.shape[1] - 1)
        options = dict(num_classes=self.num_classes, num_things=self.num_things_classes,
                       max_per_image=min(pairs, (self.test_cfg or {}).get('max_per_image', 100)))
        masks = self._masks(mask_pred)
        if isinstance(masks, QueryMasks):
            return instance_fusion(mask_cls, masks, score_thr=score_thr, **options)
        queries, labels, class_scores = top_instance_pairs(mask_cls, **options)
        binary, mask_scores = instance_mask_scores(masks[queries])
        results = InstanceData(bboxes=mask2bbox(binary), labels=labels, scores=class_scores * mask_scores,
                               masks=binary)
        return results if score_thr is None else results[results.scores >= score_thr]

    @contextmanager
    def test_cfg_overrides(self, **overrides: Any) -> Iterator[None]:
        """Within the block ``test_cfg`` has ``overrides`` applied (restored afterwards)."""
        original = self.test_cfg
        self.test_cfg = type(original)({**original, **overrides}) if original is not None else overrides
        try:
            yield
        finally:
            self.test_cfg = original

    def semantic_postprocess(self, mask_cls: Tensor, mask_pred: Tensor | QueryMasks) -> PixelData:
        """Semantic map (1, H, W) int64 = argmax_c sum_q softmax(cls)[q, c] * sigmoid(mask_q), summed over
        groups of queries (``semantic_fusion``) in both modes."""
        masks = self._masks(mask_pred)
        return PixelData(sem_seg=semantic_fusion(mask_cls, QueryMasks(masks) if isinstance(masks, Tensor)
                                                 else masks))

    def predict(self, mask_cls_results: Tensor, mask_pred_results: Tensor,
                batch_data_samples: SampleList, rescale: bool = False, **kwargs) -> list[dict]:
        """Per image: crop padding, optionally resize to the original size, then fuse.

        ``mask_pred_results`` (B, Q, h, w): logits at 1/4 of the padded input (upsampled to the sample's
        ``batch_input_shape`` query chunk by query chunk) or already at the padded input size.
        Returns dicts with ``pan_results``, ``ins_results`` and/or ``sem_results`` per ``test_cfg``.
        """
        tasks = {
            'pan_results': (self.test_cfg.get('panoptic_on', True), self.panoptic_postprocess),
            'ins_results': (self.test_cfg.get('instance_on', False), self.instance_postprocess),
            'sem_results': (self.test_cfg.get('semantic_on', False), self.semantic_postprocess),
        }
        results = []
        for mask_cls, mask_pred, sample in zip(mask_cls_results, mask_pred_results, batch_data_samples):
            masks = self._masks(QueryMasks.from_meta(mask_pred, sample.metainfo, rescale))
            results.append({key: fuse(mask_cls, masks) for key, (on, fuse) in tasks.items() if on})
        return results

    @staticmethod
    def _to_output_size(mask_pred: Tensor, meta: dict, rescale: bool) -> Tensor:
        """Crop mask logits (Q, Hp, Wp) to ``img_shape`` and, if ``rescale``, resize to ``ori_shape``."""
        height, width = meta['img_shape'][:2]
        mask_pred = mask_pred[:, :height, :width]
        if rescale:
            mask_pred = F.interpolate(mask_pred[:, None], size=tuple(meta['ori_shape'][:2]),
                                      mode='bilinear', align_corners=False)[:, 0]
        return mask_pred
