"""mmengine metric: YouTube-VIS video mask AP with a ``results.json`` / submission-zip export."""
from __future__ import annotations

import io
import json
import os
import zipfile
from collections import defaultdict
from typing import Optional, Sequence

import numpy as np
from mmdet.registry import METRICS
from mmengine.evaluator import BaseMetric
from pycocotools import mask as mask_utils

from seg.utils.atomic import atomic_write

from ..functional import evaluate_ytvis, write_json_atomic
from .output_dir import resolve_output_dir
from .sample_conversion import field, to_numpy

__all__ = ['VideoInstanceAPMetric', 'encode_masks']


def encode_masks(masks: np.ndarray) -> list[dict]:
    """(N, H, W) binary masks -> compressed RLEs with str counts (JSON-ready)."""
    rles = []
    for mask in np.asarray(masks, bool):
        rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
        rles.append({'size': [int(s) for s in rle['size']], 'counts': rle['counts'].decode('ascii')})
    return rles


def _tracks(frames: Sequence, instances_key: str, id_key: str) -> dict:
    """{track id: {'labels', 'scores', 'segmentations': {frame: rle}}} over the frames of a video."""
    tracks = defaultdict(lambda: {'labels': [], 'scores': [], 'segmentations': {}})
    for frame_index, frame in enumerate(frames):
        instances = field(frame, instances_key)
        if instances is None or field(instances, 'masks') is None:
            continue
        labels = to_numpy(field(instances, 'labels')).astype(np.int64)
        scores = field(instances, 'scores')
        scores = to_numpy(scores).astype(np.float64) if scores is not None else np.ones(len(labels))
        ids = field(instances, id_key)
        ids = to_numpy(ids).tolist() if ids is not None else list(range(len(labels)))
        for track, label, score, rle in zip(ids, labels.tolist(), scores.tolist(),
                                            encode_masks(to_numpy(field(instances, 'masks')))):
            tracks[track]['labels'].append(label)
            tracks[track]['scores'].append(score)
            tracks[track]['segmentations'][frame_index] = rle
    return tracks


@METRICS.register_module()
class VideoInstanceAPMetric(BaseMetric):
    """YouTube-VIS AP / AR (ytvoseval definition) in percent, and the official results file.

    Each data sample is a whole video (``video_data_samples``). Per frame the prediction is
    ``pred_track_instances`` (masks, scores, labels, instances_id): a track's score is the mean of
    its per-frame scores and its category the majority label + 1 (mmdet's YouTube-VIS formatting).
    GT tracks come from ``gt_instances`` (masks, labels, instances_ids) when present.

    Args:
        output_dir: writes ``results.json`` and ``results.submission_file.zip`` (relative paths are
            inside the run's work dir).
        format_only: only export the results (no GT needed); returns no metric.
    """

    default_prefix: Optional[str] = 'ytvis'

    def __init__(self, *, output_dir: str | None = None, format_only: bool = False,
                 collect_device: str = 'cpu', prefix: str | None = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.output_dir = output_dir
        self.format_only = format_only
        if format_only and output_dir is None:
            raise ValueError('format_only=True needs an output_dir for the results file')

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Format every video's predicted and GT tracks."""
        for sample in data_samples:
            frames = field(sample, 'video_data_samples') or [sample]
            video_id = field(frames[0], 'video_id')
            video_id = video_id if video_id is not None else len(self.results) + 1
            height, width = (int(v) for v in field(frames[0], 'ori_shape')[:2])
            length = len(frames)
            preds = self._format(_tracks(frames, 'pred_track_instances', 'instances_id'), video_id, length)
            gts = self._format(_tracks(frames, 'gt_instances', 'instances_ids'), video_id, length)
            video = {'id': video_id, 'height': height, 'width': width, 'length': len(frames)}
            self.results.append((preds, gts, video))

    @staticmethod
    def _format(tracks: dict, video_id, length: int) -> list[dict]:
        """Tracks in results.json form: video_id, score, category_id (1-based), one RLE/None per frame."""
        return [{'video_id': video_id, 'score': float(np.mean(t['scores'])),
                 'category_id': int(np.bincount(np.array(t['labels'])).argmax()) + 1,
                 'segmentations': [t['segmentations'].get(i) for i in range(length)]}
                for t in tracks.values()]

    def _export(self, preds: list) -> None:
        """results.json and its submission zip, written atomically into the output dir."""
        out_dir = resolve_output_dir(self.output_dir)
        if out_dir is None:
            return
        write_json_atomic(os.path.join(out_dir, 'results.json'), preds, indent=None)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as zf:
            zf.writestr('results.json', json.dumps(preds))
        zip_path = os.path.join(out_dir, 'results.submission_file.zip')
        atomic_write(zip_path, lambda f: f.write(buffer.getvalue()), 'wb')

    def compute_metrics(self, results: list) -> dict:
        """Export, then AP / AR against the GT tracks carried by the samples."""
        preds = [p for video_preds, _, _ in results for p in video_preds]
        self._export(preds)
        if self.format_only:
            return {}
        classes = (self.dataset_meta or {}).get('classes')
        if classes is None:
            raise ValueError('VideoInstanceAPMetric needs dataset_meta["classes"] to evaluate')
        gt = {'videos': [video for _, _, video in results],
              'categories': [{'id': i + 1, 'name': name} for i, name in enumerate(classes)],
              'annotations': [dict(g, iscrowd=0) for _, video_gts, _ in results for g in video_gts]}
        return evaluate_ytvis(gt, preds)
