"""Semantic segmentation mIoU / mAcc / aAcc from label maps (mmseg ``IoUMetric`` definition)."""
from __future__ import annotations

import os
from typing import Callable

import numpy as np
from tqdm import tqdm

from .fileio import EvalInputError, read_png, read_rgb_id_map

__all__ = ['evaluate_semantic_folders', 'semantic_confusion', 'semantic_summary']


def semantic_confusion(pred: np.ndarray, label: np.ndarray, num_classes: int, ignore_index: int = 255,
                       record: str = 'label map') -> np.ndarray:
    """Confusion counts (num_classes x num_classes + 1): rows = GT class, columns = predicted class.

    Pixels whose GT is ``ignore_index`` are skipped; predictions outside ``[0, num_classes)`` go to
    the last column (they count for the GT class's union, never as a prediction of a class).
    """
    if pred.shape != label.shape:
        raise EvalInputError(f'{record}: prediction shape {pred.shape} differs from ground truth '
                             f'{label.shape}')
    label = label.astype(np.int64).ravel()
    pred = pred.astype(np.int64).ravel()
    valid = label != ignore_index
    label, pred = label[valid], pred[valid]
    bad = (label < 0) | (label >= num_classes)
    if bad.any():
        values = np.unique(label[bad]).tolist()[:10]
        raise EvalInputError(f'{record}: ground-truth labels {values} are outside [0, {num_classes}) and '
                             f'not ignore_index {ignore_index}')
    pred = np.where((pred >= 0) & (pred < num_classes), pred, num_classes)
    counts = np.bincount(label * (num_classes + 1) + pred, minlength=num_classes * (num_classes + 1))
    return counts.reshape(num_classes, num_classes + 1)


def semantic_summary(confusion: np.ndarray) -> dict:
    """mIoU, mAcc, aAcc in percent plus per-class IoU (NaN for classes absent from GT and prediction)."""
    num_classes = confusion.shape[0]
    intersect = np.diag(confusion[:, :num_classes]).astype(np.float64)
    area_label = confusion.sum(axis=1).astype(np.float64)
    area_pred = confusion[:, :num_classes].sum(axis=0).astype(np.float64)
    union = area_label + area_pred - intersect
    with np.errstate(divide='ignore', invalid='ignore'):
        iou = np.where(union > 0, intersect / union, np.nan)
        acc = np.where(area_label > 0, intersect / area_label, np.nan)
    total = area_label.sum()
    nan_mean = (lambda v: float(np.nanmean(v)) if np.isfinite(v).any() else 0.0)
    return {'mIoU': 100 * nan_mean(iou), 'mAcc': 100 * nan_mean(acc),
            'aAcc': 100 * float(intersect.sum() / total) if total > 0 else 0.0,
            'per_class_IoU': (100 * iou).tolist()}


def _folder_labels(gt_dir: str) -> tuple[list[str], Callable[[str], np.ndarray]]:
    """(PNG names, reader) of a folder of GT label PNGs."""
    names = sorted(n for n in os.listdir(gt_dir) if n.lower().endswith('.png'))
    if not names:
        raise EvalInputError(f'{gt_dir}: no PNG label maps found')
    return names, lambda name: read_png(os.path.join(gt_dir, name))


def _panoptic_labels(gt_json: str, gt_folder: str | None,
                     ignore_index: int) -> tuple[list[str], Callable[[str], np.ndarray]]:
    """(PNG names, reader) of a COCO panoptic GT: the label of a segment is its category's position in the
    JSON's ``categories`` (the contiguous labels of our datasets); unlabelled pixels get ``ignore_index``."""
    from .coco_panoptic import default_png_folder, load_panoptic_json
    data = load_panoptic_json(gt_json, need_categories=True)
    label_of = {cat['id']: index for index, cat in enumerate(data['categories'])}
    folder = gt_folder or default_png_folder(gt_json)
    by_name = {ann['file_name']: ann for ann in data['annotations']}

    def read(name: str) -> np.ndarray:
        ids = read_rgb_id_map(os.path.join(folder, name), record=gt_json)
        labels = np.full(ids.shape, ignore_index, np.int64)
        for seg in by_name[name]['segments_info']:
            if seg['category_id'] not in label_of:
                raise EvalInputError(f'{gt_json}: {name}: unknown category_id {seg["category_id"]!r}')
            labels[ids == seg['id']] = label_of[seg['category_id']]
        return labels
    return sorted(by_name), read


def evaluate_semantic_folders(gt_dir: str, pred_dir: str, num_classes: int, ignore_index: int = 255,
                              *, gt_folder: str | None = None, progress: bool = True) -> dict:
    """mIoU / aAcc of a folder of single-channel label PNGs against a folder of GT label PNGs with matching
    names, or against a COCO panoptic GT JSON (``gt_dir`` ending in .json; PNGs in ``gt_folder``)."""
    for folder in (gt_dir, pred_dir):
        if not (os.path.isdir(folder) or (folder == gt_dir and folder.endswith('.json'))):
            raise EvalInputError(f'{folder}: folder not found')
    if gt_dir.endswith('.json'):
        names, read_gt = _panoptic_labels(gt_dir, gt_folder, ignore_index)
    else:
        names, read_gt = _folder_labels(gt_dir)
    confusion = np.zeros((num_classes, num_classes + 1), np.int64)
    for name in tqdm(names, desc='semantic IoU', disable=not progress):
        pred_path = os.path.join(pred_dir, name)
        if not os.path.isfile(pred_path):
            raise EvalInputError(f'{pred_path}: missing prediction for ground truth {name}')
        label, pred = read_gt(name), read_png(pred_path)
        if pred.ndim != 2 or label.ndim != 2:
            raise EvalInputError(f'{pred_path}: expected single-channel label PNGs, got shapes '
                                 f'{label.shape} (gt) and {pred.shape} (pred)')
        confusion += semantic_confusion(pred, label, num_classes, ignore_index, record=pred_path)
    return semantic_summary(confusion)
