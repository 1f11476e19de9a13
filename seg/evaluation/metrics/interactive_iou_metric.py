"""mmengine metric: interactive segmentation mIoU over all prompted segments."""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
from mmdet.registry import METRICS
from mmengine.evaluator import BaseMetric

from ..functional import interactive_miou, prompt_ious
from .sample_conversion import field, to_numpy

__all__ = ['InteractiveIoUMetric']


@METRICS.register_module()
class InteractiveIoUMetric(BaseMetric):
    """Mean IoU (percent) between each prompt's predicted mask and its GT mask.

    Each sample holds one prompt per GT instance: ``pred_instances.masks`` (N, H, W) in the order of
    ``gt_instances.masks``. A sample without predicted masks scores 0 for each of its prompts.
    """

    default_prefix: Optional[str] = 'interactive'

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Store the per-prompt IoUs of every sample."""
        for sample in data_samples:
            gt = field(sample, 'gt_instances', 'masks')
            gt = to_numpy(gt).astype(bool) if gt is not None else np.zeros((0, 1, 1), bool)
            pred = field(sample, 'pred_instances', 'masks')
            if pred is None:
                self.results.append(np.zeros(len(gt)))
                continue
            self.results.append(prompt_ious(to_numpy(pred).astype(bool), gt))

    def compute_metrics(self, results: list) -> dict:
        """mIoU over all prompts of all images, and the prompt count."""
        return {'mIoU': interactive_miou(results), 'num_prompts': int(sum(len(r) for r in results))}
