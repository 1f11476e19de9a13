"""mmengine metric: video panoptic VPQ (windows 1/2/4/6) and STQ, with a VIPSeg submission export."""
from __future__ import annotations

import os
from typing import Optional, Sequence

import numpy as np
from mmdet.registry import METRICS
from mmengine.evaluator import BaseMetric

from ..functional import VPQ_WINDOWS, STQAccumulator, frame_counts, vpq_stats_video, vpq_summary
from ..functional.fileio import id_map_to_rgb, write_json_atomic, write_png_atomic
from ..functional.vipseg import semantic_and_instance
from .output_dir import resolve_output_dir
from .sample_conversion import field, gt_panoptic_segments, pred_panoptic_segments

__all__ = ['VideoPanopticMetric']


def _frame_names(sample, video_index: int, frame_index: int) -> tuple[str, str]:
    """(video folder, frame PNG name) from ``img_path``, else from the indices."""
    img_path = field(sample, 'img_path')
    if img_path:
        stem = os.path.splitext(os.path.basename(img_path))[0]
        return os.path.basename(os.path.dirname(img_path)), stem + '.png'
    video = field(sample, 'video_id')
    return str(video if video is not None else video_index), f'{frame_index:06d}.png'


@METRICS.register_module()
class VideoPanopticMetric(BaseMetric):
    """VPQ@k / VPQ (OMG-Seg convention) and STQ / AQ / IoU (DeepLab2), in percent.

    Each data sample is a whole video (``video_data_samples``, one entry per frame). Frames carry the
    prediction under ``pred_key`` as an mmdet panoptic map (``label + k * INSTANCE_OFFSET``, labels
    >= num_classes = void; equal values over frames = one track) and the GT as ``gt_sem_seg`` (stuff)
    plus ``gt_instances`` (thing masks, labels, ``instances_ids``).

    Args:
        windows: VPQ window lengths.
        pred_key: field of the frame holding the predicted panoptic map.
        reference_thing_mask: replay OMG-Seg's STQ defect (GAPS.md) for parity.
        vpq_absent_categories: 'skip' categories absent from GT and prediction in VPQ (VIPSeg's official
            rule) or count them as 0 ('zero', OMG-Seg's offline script).
        output_dir: if set, writes the VIPSeg submission ``pan_pred/<video>/<frame>.png`` + ``pred.json``
            (relative paths are inside the run's work dir).
        category_ids: JSON ``category_id`` of each contiguous label in the submission (default: label).
        format_only: only export the submission (no GT needed); returns no metric.
    """

    default_prefix: Optional[str] = 'vps'

    def __init__(self, *, windows: Sequence[int] = VPQ_WINDOWS, pred_key: str = 'pred_track_panoptic_seg',
                 reference_thing_mask: bool = False, vpq_absent_categories: str = 'skip',
                 output_dir: str | None = None, format_only: bool = False,
                 category_ids: Sequence[int] | None = None, collect_device: str = 'cpu',
                 prefix: str | None = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        if format_only and output_dir is None:
            raise ValueError('VideoPanopticMetric: format_only=True needs an output_dir for the submission')
        self.format_only = format_only
        self.windows = tuple(windows)
        self.pred_key = pred_key
        self.reference_thing_mask = reference_thing_mask
        self.vpq_absent_categories = vpq_absent_categories
        self.output_dir = output_dir
        self.category_ids = list(category_ids) if category_ids is not None else None

    def _categories(self) -> dict:
        """{label: {'isthing'}} from dataset_meta's thing_classes then stuff_classes."""
        if not self.dataset_meta or 'thing_classes' not in self.dataset_meta:
            raise ValueError('VideoPanopticMetric needs dataset_meta with thing_classes and stuff_classes')
        num_things = len(self.dataset_meta['thing_classes'])
        num_classes = num_things + len(self.dataset_meta.get('stuff_classes', []))
        return {label: {'id': label, 'isthing': int(label < num_things)} for label in range(num_classes)}

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Evaluate each video and keep its VPQ / STQ statistics (and submission records)."""
        for sample in data_samples:
            frames = field(sample, 'video_data_samples') or [sample]
            self.results.append(self._process_video(frames, len(self.results)))

    def _process_video(self, frames: Sequence, video_index: int) -> tuple:
        categories = self._categories()
        num_classes = len(categories)
        thing_ids = {label for label, info in categories.items() if info['isthing']}
        out_dir = resolve_output_dir(self.output_dir)
        stq = STQAccumulator(num_classes=num_classes, thing_classes=sorted(thing_ids),
                             ignore_label=num_classes, reference_thing_mask=self.reference_thing_mask)
        counts, tracks, annotations = [], ({}, {}), []
        video_name = None
        for frame_index, frame in enumerate(frames):
            video_name, frame_name = _frame_names(frame, video_index, frame_index)
            record = f'video {video_name}, frame {frame_name}'
            pred = pred_panoptic_segments(field(frame, self.pred_key, 'sem_seg'), num_classes)
            if self.format_only:
                annotations.append(self._export_frame(out_dir, video_name, frame_name, pred))
                continue
            gt = gt_panoptic_segments(frame, len(thing_ids), num_classes)
            counts.append(frame_counts(*gt, *pred, categories, record))
            identity = {label: label for label in categories}
            gt_maps = semantic_and_instance(*gt, identity, thing_ids, tracks[0], num_classes)
            pred_maps = semantic_and_instance(*pred, identity, thing_ids, tracks[1], num_classes)
            stq.update(video_name, *gt_maps, *pred_maps, record)
            if out_dir is not None:
                annotations.append(self._export_frame(out_dir, video_name, frame_name, pred))
        submission = {'video_id': video_name, 'annotations': annotations} if out_dir is not None else None
        if self.format_only:
            return None, None, submission
        return vpq_stats_video(counts, self.windows), stq, submission

    def _export_frame(self, out_dir: str, video_name: str, frame_name: str, pred: tuple) -> dict:
        """Write ``pan_pred/<video>/<frame>.png``; returns the frame's pred.json record."""
        ids, segments = pred
        write_png_atomic(os.path.join(out_dir, 'pan_pred', video_name, frame_name), id_map_to_rgb(ids))
        values, areas = np.unique(ids, return_counts=True)
        area_of = dict(zip(values.tolist(), areas.tolist()))
        return self._frame_annotation(frame_name, {seg_id: dict(info, area=area_of[seg_id])
                                                   for seg_id, info in segments.items()})

    def _frame_annotation(self, frame_name: str, segments: dict) -> dict:
        """One frame of VIPSeg's pred.json (segments with their pixel areas)."""
        def category(label):
            return self.category_ids[label] if self.category_ids is not None else label
        return {'image_id': os.path.splitext(frame_name)[0], 'file_name': frame_name,
                'segments_info': [{'id': seg_id, 'category_id': category(info['category_id']),
                                   'iscrowd': 0, 'area': int(info['area'])}
                                  for seg_id, info in segments.items()]}

    def compute_metrics(self, results: list) -> dict:
        """Write ``pred.json`` when exporting; sum the per-video statistics."""
        out_dir = resolve_output_dir(self.output_dir)
        if out_dir is not None:
            write_json_atomic(os.path.join(out_dir, 'pred.json'),
                              {'annotations': [sub for _, _, sub in results if sub is not None]}, indent=None)
        if self.format_only:
            return {}
        categories = self._categories()
        totals = {k: None for k in self.windows}
        stq = None
        for stats, video_stq, _ in results:
            for k in self.windows:
                totals[k] = stats[k] if totals[k] is None else totals[k].__iadd__(stats[k])
            stq = video_stq if stq is None else stq.merge(video_stq)
        metrics = vpq_summary({k: v for k, v in totals.items() if v is not None}, categories,
                              absent_categories=self.vpq_absent_categories)
        if stq is not None:
            stq_result = stq.result()
            metrics.update({'STQ': 100 * stq_result['STQ'], 'AQ': 100 * stq_result['AQ'],
                            'IoU': 100 * stq_result['IoU']})
        return metrics
