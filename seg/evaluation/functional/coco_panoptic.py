"""COCO panoptic evaluation over files: a panoptic JSON plus its folder of RGB-encoded PNGs."""
from __future__ import annotations

import os

import numpy as np
from tqdm import tqdm

from .fileio import EvalInputError, read_json, read_rgb_id_map
from .panoptic_quality import PQStat, pq_stat_single, pq_summary

__all__ = ['default_png_folder', 'evaluate_coco_panoptic', 'gt_segments_of', 'load_panoptic_json']


def default_png_folder(json_path: str) -> str:
    """The PNG folder beside a panoptic JSON: same directory, named after the JSON's stem."""
    return os.path.splitext(json_path)[0]


def load_panoptic_json(path: str, *, need_categories: bool = False) -> dict:
    """Load a COCO panoptic JSON and check its top-level structure."""
    data = read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get('annotations'), list):
        raise EvalInputError(f'{path}: expected a COCO panoptic JSON object with an "annotations" list')
    if need_categories and not isinstance(data.get('categories'), list):
        raise EvalInputError(f'{path}: expected a "categories" list')
    for index, ann in enumerate(data['annotations']):
        for key in ('image_id', 'file_name', 'segments_info'):
            if key not in ann:
                raise EvalInputError(f'{path}: annotations[{index}] has no "{key}"')
    return data


def gt_segments_of(ann: dict, gt_ids: np.ndarray, record: str) -> dict:
    """GT segments {id: info}, areas from the JSON (as panopticapi) or PNG counts if absent.

    Every non-void id of the GT PNG must be described in the JSON.
    """
    ids, counts = np.unique(gt_ids, return_counts=True)
    png_areas = dict(zip(ids.tolist(), counts.tolist()))
    segments = {seg['id']: {'category_id': seg['category_id'], 'iscrowd': seg.get('iscrowd', 0),
                            'area': seg.get('area', png_areas.get(seg['id'], 0))}
                for seg in ann['segments_info']}
    unknown = sorted(set(png_areas) - set(segments) - {0})
    if unknown:
        raise EvalInputError(f'{record}: GT segment ids {unknown} are in the PNG but not in the JSON')
    return segments


def _pair_annotations(gt_json: dict, pred_json: dict, gt_path: str, pred_path: str) -> list:
    """Pair every GT annotation with its prediction by image_id; unknown / missing ids are errors."""
    gt_by_image = {ann['image_id']: ann for ann in gt_json['annotations']}
    pred_by_image = {}
    for index, ann in enumerate(pred_json['annotations']):
        if ann['image_id'] not in gt_by_image:
            raise EvalInputError(f'{pred_path}: annotations[{index}] has unknown image_id '
                                 f'{ann["image_id"]!r} (not in {gt_path})')
        pred_by_image[ann['image_id']] = ann
    missing = [image_id for image_id in gt_by_image if image_id not in pred_by_image]
    if missing:
        raise EvalInputError(f'{pred_path}: no prediction for image_id(s) {missing[:10]}'
                             f'{" ..." if len(missing) > 10 else ""}')
    return [(gt_by_image[i], pred_by_image[i]) for i in gt_by_image]


def evaluate_coco_panoptic(gt_json_path: str, pred_json_path: str, gt_folder: str | None = None,
                           pred_folder: str | None = None, *, progress: bool = True) -> dict:
    """PQ / SQ / RQ (All, things, stuff, per class) in percent, equal to panopticapi's ``pq_compute``."""
    gt_json = load_panoptic_json(gt_json_path, need_categories=True)
    pred_json = load_panoptic_json(pred_json_path)
    gt_folder = gt_folder or default_png_folder(gt_json_path)
    pred_folder = pred_folder or default_png_folder(pred_json_path)
    for folder, what in ((gt_folder, 'ground truth'), (pred_folder, 'prediction')):
        if not os.path.isdir(folder):
            raise EvalInputError(f'{folder}: {what} PNG folder not found (use --gt-folder / --pred-folder)')
    categories = {cat['id']: cat for cat in gt_json['categories']}
    stat = PQStat()
    pairs = _pair_annotations(gt_json, pred_json, gt_json_path, pred_json_path)
    for gt_ann, pred_ann in tqdm(pairs, desc='panoptic quality', disable=not progress):
        gt_png = os.path.join(gt_folder, gt_ann['file_name'])
        pred_png = os.path.join(pred_folder, pred_ann['file_name'])
        record = f'{pred_png} (image_id {pred_ann["image_id"]!r})'
        gt_ids = read_rgb_id_map(gt_png, record=f'image_id {gt_ann["image_id"]!r}')
        pred_ids = read_rgb_id_map(pred_png, record=f'image_id {pred_ann["image_id"]!r}')
        gt_segments = gt_segments_of(gt_ann, gt_ids, f'{gt_png} (image_id {gt_ann["image_id"]!r})')
        pred_segments = {seg['id']: seg for seg in pred_ann['segments_info']}
        stat += pq_stat_single(gt_ids, pred_ids, gt_segments, pred_segments, categories, record)
    return pq_summary(stat, categories)

