"""mmengine metric: DAVIS-2017 semi-supervised J / F / J&F with an indexed-PNG result export."""
from __future__ import annotations

import os
from typing import Optional, Sequence

import numpy as np
from mmdet.registry import METRICS
from mmengine.evaluator import BaseMetric
from PIL import Image

from seg.utils.atomic import atomic_write

from ..functional.davis import davis_palette, davis_summary, evaluate_davis_sequence
from ..functional.davis_measures import db_statistics
from .output_dir import resolve_output_dir
from .sample_conversion import field, label_map, to_numpy

__all__ = ['DAVISMetric', 'object_ids_to_indices']


def object_ids_to_indices(ids: np.ndarray, encoding: str) -> np.ndarray:
    """Object ids -> DAVIS palette indices. ``encoding``: 'index' (already indices) or 'rgb_code'
    (``r * 1e6 + g * 1e3 + b`` of the object's palette colour, as the DAVIS loader decodes it)."""
    if encoding == 'index':
        return ids
    if encoding != 'rgb_code':
        raise ValueError(f"id encoding must be 'index' or 'rgb_code', got {encoding!r}")
    palette = np.array(davis_palette()).reshape(-1, 3)
    lookup = {int(r * 1_000_000 + g * 1000 + b): index for index, (r, g, b) in enumerate(palette)}
    out = np.zeros(ids.shape, np.int64)
    for value in np.unique(ids).tolist():
        if value not in lookup:
            raise ValueError(f'object id {value} is not the code of a DAVIS palette colour')
        out[ids == value] = lookup[value]
    return out


@METRICS.register_module()
class DAVISMetric(BaseMetric):
    """J&F, J / F mean, recall and decay (davis2017-evaluation), in percent.

    Each data sample is a whole video (``video_data_samples``); each frame holds the predicted
    object map under ``pred_key`` (H, W; 0 = background) and the GT objects as ``gt_instances``
    (masks, instances_ids), ids encoded as ``id_encoding``.

    Args:
        output_dir: writes ``<video>/<frame>.png`` indexed PNGs with the DAVIS palette (the format of
            the DAVIS evaluation / server); relative paths are inside the run's work dir.
        format_only: only export (no GT needed); returns no metric.
    """

    default_prefix: Optional[str] = 'davis'

    def __init__(self, *, pred_key: str = 'pred_track_proposal', id_encoding: str = 'rgb_code',
                 output_dir: str | None = None, format_only: bool = False, collect_device: str = 'cpu',
                 prefix: str | None = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.pred_key = pred_key
        self.id_encoding = id_encoding
        self.output_dir = output_dir
        self.format_only = format_only

    def _gt_map(self, frame, shape) -> np.ndarray:
        """GT palette-index map of a frame from its instance masks."""
        gt = np.zeros(shape, np.int64)
        instances = field(frame, 'gt_instances')
        if instances is not None and field(instances, 'masks') is not None:
            masks = to_numpy(field(instances, 'masks')).astype(bool)
            ids = to_numpy(field(instances, 'instances_ids')).astype(np.int64)
            for mask, obj_id in zip(masks, ids.tolist()):
                gt[mask] = obj_id
        return object_ids_to_indices(gt, self.id_encoding)

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Export each video's result PNGs and score it (per-object statistics)."""
        out_dir = resolve_output_dir(self.output_dir)
        for sample in data_samples:
            frames = field(sample, 'video_data_samples') or [sample]
            preds = [object_ids_to_indices(label_map(field(f, self.pred_key)), self.id_encoding)
                     for f in frames]
            if out_dir is not None:
                for frame, pred in zip(frames, preds):
                    self._write_png(out_dir, field(frame, 'img_path'), pred)
            if self.format_only:
                self.results.append(([], []))
                continue
            gts = np.stack([self._gt_map(f, p.shape) for f, p in zip(frames, preds)])
            record = str(field(frames[0], 'img_path'))
            j, f = evaluate_davis_sequence(gts, np.stack(preds[1:-1]), record=record)
            self.results.append(([db_statistics(v) for v in j], [db_statistics(v) for v in f]))

    @staticmethod
    def _write_png(out_dir: str, img_path: str, index_map: np.ndarray) -> None:
        """``<out_dir>/<video>/<frame>.png`` as an indexed PNG with the DAVIS palette."""
        video = os.path.basename(os.path.dirname(img_path))
        name = os.path.splitext(os.path.basename(img_path))[0] + '.png'
        image = Image.fromarray(index_map.astype(np.uint8), mode='P')
        image.putpalette(davis_palette())
        atomic_write(os.path.join(out_dir, video, name), lambda f: image.save(f, format='PNG'), 'wb')

    def compute_metrics(self, results: list) -> dict:
        """Average the per-object statistics of all videos."""
        if self.format_only:
            return {}
        return davis_summary([s for j, _ in results for s in j], [s for _, f in results for s in f])
