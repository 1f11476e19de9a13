"""mmengine metric: interactive segmentation mIoU, and with click simulation mIoU@k and NoC@85 / NoC@90."""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
from mmdet.registry import METRICS
from mmengine.evaluator import BaseMetric

from ..functional import interactive_miou, prompt_ious
from ..functional.interactive_clicks import NOC_MAX_CLICKS, miou_after_clicks, number_of_clicks
from .sample_conversion import field, to_numpy

__all__ = ['InteractiveIoUMetric']


@METRICS.register_module()
class InteractiveIoUMetric(BaseMetric):
    """Mean IoU (percent) between each prompt's predicted mask and its GT mask.

    Each sample holds one prompt per GT instance: ``pred_instances.masks`` (N, H, W) in the order of
    ``gt_instances.masks``. A sample without predicted masks scores 0 for each of its prompts.

    With click simulation (``OMGSegInteractive(eval_clicks=C)``) the samples also carry
    ``pred_instances.click_ious`` (N, C), the IoU after each click, and ``box_ious`` (N,) of a box prompt:
    then ``mIoU@k`` for k in ``clicks_at`` (k <= C), ``NoC@t`` for t in ``noc_thresholds`` (percent;
    clicks to reach IoU t, counted as ``max_clicks`` = 20 when not reached within C clicks, SAM / SEEM
    convention) and ``box_mIoU`` are reported too.
    """

    default_prefix: Optional[str] = 'interactive'

    def __init__(self, *, clicks_at: Sequence[int] = (1, 3, 5), noc_thresholds: Sequence[int] = (85, 90),
                 max_clicks: int = NOC_MAX_CLICKS, **kwargs) -> None:
        super().__init__(**kwargs)
        self.clicks_at = tuple(clicks_at)
        self.noc_thresholds = tuple(noc_thresholds)
        self.max_clicks = max_clicks

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Store the per-prompt IoUs of every sample (and its click / box IoU curves when present)."""
        for sample in data_samples:
            gt = field(sample, 'gt_instances', 'masks')
            gt = to_numpy(gt).astype(bool) if gt is not None else np.zeros((0, 1, 1), bool)
            pred = field(sample, 'pred_instances', 'masks')
            ious = np.zeros(len(gt)) if pred is None else prompt_ious(to_numpy(pred).astype(bool), gt)
            clicks, boxes = (field(sample, 'pred_instances', name) for name in ('click_ious', 'box_ious'))
            self.results.append(dict(ious=ious, click_ious=None if clicks is None else to_numpy(clicks),
                                     box_ious=None if boxes is None else to_numpy(boxes)))

    def compute_metrics(self, results: list) -> dict:
        """mIoU over all prompts of all images, the prompt count, and the click / box metrics if measured."""
        metrics = {'mIoU': interactive_miou([r['ious'] for r in results]),
                   'num_prompts': int(sum(len(r['ious']) for r in results))}
        curves = [r['click_ious'] for r in results if r['click_ious'] is not None]
        if curves:
            num_clicks = curves[0].shape[-1]
            for k in self.clicks_at:
                if k <= num_clicks:
                    metrics[f'mIoU@{k}'] = miou_after_clicks(curves, k)
            for threshold in self.noc_thresholds:
                metrics[f'NoC@{threshold}'] = number_of_clicks(curves, threshold / 100, self.max_clicks)
        boxes = [r['box_ious'] for r in results if r['box_ious'] is not None]
        if boxes:
            metrics['box_mIoU'] = interactive_miou(boxes)
        return metrics
