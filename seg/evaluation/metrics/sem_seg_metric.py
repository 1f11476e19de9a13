"""mmengine metric: semantic mIoU / mAcc / aAcc over ``pred_sem_seg`` vs ``gt_sem_seg``."""
from __future__ import annotations

import os
from typing import Optional, Sequence

import numpy as np
from mmdet.registry import METRICS
from mmengine.evaluator import BaseMetric

from ..functional import semantic_confusion, semantic_summary, write_png_atomic
from .output_dir import resolve_output_dir
from .sample_conversion import field, label_map

__all__ = ['SemSegIoUMetric']


@METRICS.register_module()
class SemSegIoUMetric(BaseMetric):
    """Semantic segmentation IoU (mmseg definition), in percent.

    Args:
        num_classes: number of classes (default: ``len(dataset_meta['classes'])``).
        ignore_index: GT label that is not evaluated (our datasets use 65535 = NO_OBJ).
        output_dir: if set, each prediction is also saved as a label PNG named after its image
            (relative paths are inside the run's work dir).
        format_only: only export the PNGs (no GT needed); returns no metric.
    """

    default_prefix: Optional[str] = 'sem_seg'

    def __init__(self, *, num_classes: int | None = None, ignore_index: int = 255,
                 output_dir: str | None = None, format_only: bool = False, collect_device: str = 'cpu',
                 prefix: str | None = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        if format_only and output_dir is None:
            raise ValueError('SemSegIoUMetric: format_only=True needs an output_dir for the label PNGs')
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self.output_dir = output_dir
        self.format_only = format_only

    def _num_classes(self) -> int:
        if self.num_classes is not None:
            return self.num_classes
        if not self.dataset_meta or 'classes' not in self.dataset_meta:
            raise ValueError('SemSegIoUMetric needs num_classes or dataset_meta["classes"]')
        return len(self.dataset_meta['classes'])

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Accumulate the confusion matrix of every image or video frame (and save its PNG if asked)."""
        num_classes = self._num_classes()
        out_dir = resolve_output_dir(self.output_dir)
        for sample in data_samples:
            frames = field(sample, 'video_data_samples')
            # one result per dataset sample (mmengine truncates results to the dataset size)
            self.results.append(sum(self._frame_confusion(frame, num_classes, out_dir, in_video=bool(frames))
                                    for frame in frames or [sample]))

    def _frame_confusion(self, sample: dict, num_classes: int, out_dir: str | None,
                         in_video: bool) -> np.ndarray:
        """Confusion matrix of one image / frame; video frames are saved as ``<video>/<frame>.png``."""
        pred = label_map(field(sample, 'pred_sem_seg', 'sem_seg'))
        record = field(sample, 'img_path') or 'sample'
        if self.format_only:
            confusion = np.zeros((num_classes, num_classes), np.int64)
        else:
            label = label_map(field(sample, 'gt_sem_seg', 'sem_seg'))
            confusion = semantic_confusion(pred, label, num_classes, self.ignore_index, record=str(record))
        if out_dir is not None:
            name = os.path.splitext(os.path.basename(str(record)))[0] + '.png'
            if in_video:
                name = os.path.join(os.path.basename(os.path.dirname(str(record))), name)
            dtype = np.uint8 if pred.max(initial=0) < 256 else np.uint16
            write_png_atomic(os.path.join(out_dir, name), pred.astype(dtype))
        return confusion

    def compute_metrics(self, results: list) -> dict:
        """mIoU, mAcc, aAcc over all processed samples (nothing under format_only)."""
        if self.format_only:
            return {}
        summary = semantic_summary(np.sum(results, axis=0))
        return {key: summary[key] for key in ('mIoU', 'mAcc', 'aAcc')}
