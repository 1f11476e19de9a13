"""Vectorised panoptic / instance / semantic post-processing of query predictions."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import torch
import torch.nn.functional as F
from mmdet.evaluation.functional import INSTANCE_OFFSET
from mmdet.models.seg_heads.panoptic_fusion_heads import MaskFormerFusionHead
from mmdet.registry import MODELS
from mmdet.structures import SampleList
from mmengine.structures import InstanceData, PixelData
from torch import Tensor


@MODELS.register_module()
class OMGFusionHead(MaskFormerFusionHead):
    """mmdet's MaskFormer fusion head with a loop-free panoptic fusion and semantic inference.

    test_cfg keys: ``panoptic_on``, ``instance_on``, ``semantic_on``, ``object_mask_thr`` (0.8),
    ``iou_thr`` (0.8), ``filter_low_score`` (False), ``max_per_image`` (100).
    Panoptic ids: stuff = class, thing = class + k * INSTANCE_OFFSET (k = 1, 2, ... in query order),
    void = num_classes.
    """

    def panoptic_postprocess(self, mask_cls: Tensor, mask_pred: Tensor,
                             track_ids: Tensor | None = None) -> PixelData:
        """Panoptic map (1, H, W) int32 from class logits (Q, N+1) and mask logits (Q, H, W).

        ``track_ids`` (Q,) int: instance number of each query's thing segment (video: query index + 1, the
        same in every frame); default: kept things counted 1, 2, ... in query order.
        """
        object_mask_thr = self.test_cfg.get('object_mask_thr', 0.8)
        iou_thr = self.test_cfg.get('iou_thr', 0.8)
        filter_low_score = self.test_cfg.get('filter_low_score', False)
        scores, labels = F.softmax(mask_cls.float(), dim=-1).max(-1)
        keep = labels.ne(self.num_classes) & (scores > object_mask_thr)
        scores, labels, masks = scores[keep], labels[keep], mask_pred[keep].float().sigmoid()
        track_ids = track_ids[keep] if track_ids is not None else None
        height, width = mask_pred.shape[-2:]
        panoptic = torch.full((height, width), self.num_classes, dtype=torch.int32, device=mask_pred.device)
        if masks.shape[0] == 0:
            return PixelData(sem_seg=panoptic[None])
        owner = (scores.view(-1, 1, 1) * masks).argmax(0)  # (H, W) index of the winning kept query
        area = torch.bincount(owner.flatten(), minlength=masks.shape[0])
        original_area = (masks >= 0.5).flatten(1).sum(1)
        overlap_ratio = area.double() / original_area.double().clamp(min=1)
        accepted = (area > 0) & (original_area > 0) & (overlap_ratio >= iou_thr)
        is_thing = labels < self.num_things_classes
        instance_index = torch.cumsum((accepted & is_thing).long(), dim=0) if track_ids is None else track_ids
        segment_ids = torch.where(is_thing, labels + instance_index * INSTANCE_OFFSET, labels)
        paint = accepted[owner]
        if filter_low_score:
            paint &= masks.gather(0, owner[None]).squeeze(0) >= 0.5
        panoptic[paint] = segment_ids[owner[paint]].to(torch.int32)
        return PixelData(sem_seg=panoptic[None])

    def instance_postprocess(self, mask_cls: Tensor, mask_pred: Tensor) -> InstanceData:
        """mmdet's top-``max_per_image`` (query, class) instances, capped at the number of pairs."""
        pairs = mask_cls.shape[0] * (mask_cls.shape[1] - 1)
        limit = min(pairs, (self.test_cfg or {}).get('max_per_image', 100))
        with self.test_cfg_overrides(max_per_image=limit):
            return super().instance_postprocess(mask_cls, mask_pred)

    @contextmanager
    def test_cfg_overrides(self, **overrides: Any) -> Iterator[None]:
        """Within the block ``test_cfg`` has ``overrides`` applied (restored afterwards)."""
        original = self.test_cfg
        self.test_cfg = type(original)({**original, **overrides}) if original is not None else overrides
        try:
            yield
        finally:
            self.test_cfg = original

    def semantic_postprocess(self, mask_cls: Tensor, mask_pred: Tensor) -> PixelData:
        """Semantic map (1, H, W) int64 = argmax_c sum_q softmax(cls)[q, c] * sigmoid(mask_q)."""
        class_probs = F.softmax(mask_cls.float(), dim=-1)[:, :-1]
        seg_logits = torch.einsum('qc,qhw->chw', class_probs, mask_pred.float().sigmoid())
        return PixelData(sem_seg=seg_logits.argmax(0, keepdim=True))

    def predict(self, mask_cls_results: Tensor, mask_pred_results: Tensor,
                batch_data_samples: SampleList, rescale: bool = False, **kwargs) -> list[dict]:
        """Per image: crop padding, optionally resize to the original size, then fuse.

        Returns dicts with ``pan_results``, ``ins_results`` and/or ``sem_results`` per ``test_cfg``.
        """
        tasks = {
            'pan_results': (self.test_cfg.get('panoptic_on', True), self.panoptic_postprocess),
            'ins_results': (self.test_cfg.get('instance_on', False), self.instance_postprocess),
            'sem_results': (self.test_cfg.get('semantic_on', False), self.semantic_postprocess),
        }
        results = []
        for mask_cls, mask_pred, sample in zip(mask_cls_results, mask_pred_results, batch_data_samples):
            mask_pred = self._to_output_size(mask_pred, sample.metainfo, rescale)
            results.append({key: fuse(mask_cls, mask_pred) for key, (on, fuse) in tasks.items() if on})
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
