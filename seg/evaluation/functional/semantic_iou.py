"""Semantic segmentation mIoU / mAcc / aAcc from label maps (mmseg ``IoUMetric`` definition)."""
from __future__ import annotations

import os

import numpy as np
from tqdm import tqdm

from .fileio import EvalInputError, read_png

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


def evaluate_semantic_folders(gt_dir: str, pred_dir: str, num_classes: int, ignore_index: int = 255,
                              *, progress: bool = True) -> dict:
    """mIoU / aAcc over two folders of single-channel label PNGs with matching file names."""
    for folder in (gt_dir, pred_dir):
        if not os.path.isdir(folder):
            raise EvalInputError(f'{folder}: folder not found')
    names = sorted(n for n in os.listdir(gt_dir) if n.lower().endswith('.png'))
    if not names:
        raise EvalInputError(f'{gt_dir}: no PNG label maps found')
    confusion = np.zeros((num_classes, num_classes + 1), np.int64)
    for name in tqdm(names, desc='semantic IoU', disable=not progress):
        pred_path = os.path.join(pred_dir, name)
        if not os.path.isfile(pred_path):
            raise EvalInputError(f'{pred_path}: missing prediction for ground truth {name}')
        label, pred = read_png(os.path.join(gt_dir, name)), read_png(pred_path)
        if pred.ndim != 2 or label.ndim != 2:
            raise EvalInputError(f'{pred_path}: expected single-channel label PNGs, got shapes '
                                 f'{label.shape} (gt) and {pred.shape} (pred)')
        confusion += semantic_confusion(pred, label, num_classes, ignore_index, record=pred_path)
    return semantic_summary(confusion)
