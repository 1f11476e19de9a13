"""mmengine metric: online Cityscapes panoptic PQ / SQ / RQ against a COCO-panoptic-format GT JSON."""
from __future__ import annotations

import os
import shutil
import tempfile
from typing import Optional, Sequence

import numpy as np
from mmdet.registry import METRICS
from mmengine.evaluator import BaseMetric

from ..functional.coco_panoptic import gt_segments_of, load_panoptic_json
from ..functional.fileio import (
    EvalInputError,
    id_map_to_rgb,
    read_rgb_id_map,
    write_json_atomic,
    write_png_atomic,
)
from ..functional.panoptic_quality import PQStat, pq_stat_single, pq_summary
from .output_dir import resolve_output_dir
from .sample_conversion import field, pred_panoptic_segments

__all__ = ['CityscapesPanopticMetric']

PNG_FOLDER = 'panoptic'
JSON_NAME = 'panoptic.json'
SUMMARY_KEYS = tuple(f'{m}{s}' for s in ('', '_th', '_st') for m in ('PQ', 'SQ', 'RQ'))


@METRICS.register_module()
class CityscapesPanopticMetric(BaseMetric):
    """PQ / SQ / RQ (All, things ``_th``, stuff ``_st``) in percent, as panopticapi computes them.

    Predictions are mmdet panoptic maps under ``pred_panoptic_seg.sem_seg`` (``label + k *
    INSTANCE_OFFSET``, labels >= the number of GT categories = void). Each sample's ``img_id`` selects
    the GT record of ``ann_file`` whose ``file_name`` (``<city>/<name>_panoptic.png``) names both the
    GT PNG under ``seg_prefix`` and the prediction PNG. Label ``i`` is category ``categories[i]['id']``
    of the GT JSON, whose ``isthing`` flags split things from stuff. Statistics are accumulated per image.

    Args:
        ann_file: Cityscapes panoptic GT JSON (e.g. ``cityscapes_panoptic_val_trainId.json``).
        seg_prefix: folder of the GT panoptic PNGs.
        output_dir: where ``panoptic/<city>/<name>_panoptic.png`` and ``panoptic.json`` are written
            (relative paths are inside the run's work dir); None = a temporary folder removed afterwards.
    """

    default_prefix: Optional[str] = 'cityscapes_panoptic'

    def __init__(self, ann_file: str, seg_prefix: str, *, output_dir: str | None = None,
                 collect_device: str = 'cpu', prefix: str | None = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.ann_file = ann_file
        self.seg_prefix = seg_prefix
        self.output_dir = output_dir
        self._gt_json = None
        self._gt_by_image = None
        self._temp_dir = None

    @property
    def gt_json(self) -> dict:
        """The GT JSON, loaded and checked on first use."""
        if self._gt_json is None:
            self._gt_json = load_panoptic_json(self.ann_file, need_categories=True)
            self._check_dataset_meta(len(self._gt_json['categories']))
        return self._gt_json

    @property
    def categories(self) -> dict:
        """{category id: category record} of the GT JSON."""
        return {cat['id']: cat for cat in self.gt_json['categories']}

    def _check_dataset_meta(self, num_categories: int) -> None:
        """The dataset's class count (when known) must equal the GT JSON's category count."""
        meta = self.dataset_meta or {}
        if 'thing_classes' in meta:
            num_classes = len(meta['thing_classes']) + len(meta.get('stuff_classes', []))
            if num_classes != num_categories:
                raise EvalInputError(f'{self.ann_file}: {num_categories} categories, but the dataset has '
                                     f'{num_classes} classes')

    def _gt_record(self, img_id) -> dict:
        """The GT annotation record of one image; unknown ids are an error naming them."""
        if self._gt_by_image is None:
            self._gt_by_image = {ann['image_id']: ann for ann in self.gt_json['annotations']}
        ann = self._gt_by_image.get(img_id)
        if ann is None:
            raise EvalInputError(f'{self.ann_file}: no annotation record for img_id {img_id!r}')
        return ann

    def _out_dir(self) -> str:
        """The resolved output folder (a temporary one when ``output_dir`` is None)."""
        if self.output_dir is not None:
            return resolve_output_dir(self.output_dir)
        if self._temp_dir is None:
            self._temp_dir = tempfile.mkdtemp(prefix='cityscapes_panoptic_')
        return self._temp_dir

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Write each prediction PNG and keep its PQ statistics and JSON record."""
        cat_ids = [cat['id'] for cat in self.gt_json['categories']]
        for sample in data_samples:
            img_id = field(sample, 'img_id')
            gt_ann = self._gt_record(img_id)
            pan_map = field(sample, 'pred_panoptic_seg', 'sem_seg')
            if pan_map is None:
                raise EvalInputError(f'img_id {img_id!r}: data sample has no pred_panoptic_seg.sem_seg')
            pred_ids, segments = pred_panoptic_segments(pan_map, len(cat_ids))
            ids, counts = np.unique(pred_ids, return_counts=True)
            areas = dict(zip(ids.tolist(), counts.tolist()))
            for seg_id, info in segments.items():
                info.update(category_id=cat_ids[info['category_id']], area=areas[seg_id])
            file_name = gt_ann['file_name']
            write_png_atomic(os.path.join(self._out_dir(), PNG_FOLDER, file_name), id_map_to_rgb(pred_ids))
            self.results.append((self._pq_stat(gt_ann, pred_ids, segments),
                                 self._annotation(img_id, file_name, segments)))

    def _pq_stat(self, gt_ann: dict, pred_ids, pred_segments: dict) -> PQStat:
        """PQ statistics of one image against its GT PNG."""
        gt_png = os.path.join(self.seg_prefix, gt_ann['file_name'])
        record = f'{gt_png} (image_id {gt_ann["image_id"]!r})'
        gt_ids = read_rgb_id_map(gt_png, record=f'image_id {gt_ann["image_id"]!r}')
        gt_segments = gt_segments_of(gt_ann, gt_ids, record)
        return pq_stat_single(gt_ids, pred_ids, gt_segments, pred_segments, self.categories, record)

    @staticmethod
    def _annotation(img_id, file_name: str, segments: dict) -> dict:
        """One COCO-panoptic prediction record."""
        return {'image_id': img_id, 'file_name': file_name,
                'segments_info': [{'id': seg_id, 'category_id': info['category_id'], 'iscrowd': 0,
                                   'area': info['area']}
                                  for seg_id, info in segments.items()]}

    def compute_metrics(self, results: list) -> dict:
        """Sum the per-image statistics, write ``panoptic.json`` and summarise."""
        stat = PQStat()
        for image_stat, _ in results:
            stat += image_stat
        write_json_atomic(os.path.join(self._out_dir(), JSON_NAME),
                          {'annotations': [ann for _, ann in results],
                           'categories': self.gt_json['categories']}, indent=None)
        summary = pq_summary(stat, self.categories)
        return {key: summary[key] for key in SUMMARY_KEYS}

    def evaluate(self, size: int) -> dict:
        """BaseMetric.evaluate, then remove this process's temporary output folder (if any)."""
        try:
            return super().evaluate(size)
        finally:
            if self._temp_dir is not None:
                shutil.rmtree(self._temp_dir, ignore_errors=True)
                self._temp_dir = None
