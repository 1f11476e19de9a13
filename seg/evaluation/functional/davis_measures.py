"""DAVIS region similarity J, boundary F-measure and per-object statistics (davis2017-evaluation)."""
from __future__ import annotations

import warnings

import cv2
import numpy as np

__all__ = ['boundary_f_measure', 'boundary_map', 'db_statistics', 'disk', 'region_similarity']


def region_similarity(gt: np.ndarray, pred: np.ndarray, void: np.ndarray | None = None) -> np.ndarray:
    """J = IoU of binary masks over the last two axes (void pixels excluded); 1 when the union is empty."""
    gt, pred = gt.astype(bool), pred.astype(bool)
    keep = np.ones_like(gt) if void is None else ~void.astype(bool)
    inter = np.sum(gt & pred & keep, axis=(-2, -1))
    union = np.sum((gt | pred) & keep, axis=(-2, -1))
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.where(np.isclose(union, 0), 1.0, inter / np.maximum(union, 1))


def boundary_map(seg: np.ndarray) -> np.ndarray:
    """One-pixel boundary of a binary mask, as davis2017-evaluation's ``_seg2bmap`` (same size)."""
    seg = seg.astype(bool)
    east, south, south_east = np.zeros_like(seg), np.zeros_like(seg), np.zeros_like(seg)
    east[:, :-1] = seg[:, 1:]
    south[:-1, :] = seg[1:, :]
    south_east[:-1, :-1] = seg[1:, 1:]
    bmap = seg ^ east | seg ^ south | seg ^ south_east
    bmap[-1, :] = seg[-1, :] ^ east[-1, :]
    bmap[:, -1] = seg[:, -1] ^ south[:, -1]
    bmap[-1, -1] = 0
    return bmap


def disk(radius: float) -> np.ndarray:
    """Disk structuring element of the given radius (``skimage.morphology.disk``), uint8."""
    grid = np.arange(-radius, radius + 1)
    xx, yy = np.meshgrid(grid, grid)
    return (xx ** 2 + yy ** 2 <= radius ** 2).astype(np.uint8)


def boundary_f_measure(pred: np.ndarray, gt: np.ndarray, void: np.ndarray | None = None,
                       bound_th: float = 0.008) -> float:
    """Boundary F-measure of one frame; tolerance ``bound_th`` x image diagonal (pixels if >= 1)."""
    keep = np.ones(pred.shape, bool) if void is None else ~void.astype(bool)
    bound_pix = bound_th if bound_th >= 1 else np.ceil(bound_th * np.linalg.norm(pred.shape))
    pred_boundary = boundary_map(pred.astype(bool) & keep)
    gt_boundary = boundary_map(gt.astype(bool) & keep)
    kernel = disk(bound_pix)
    pred_dil = cv2.dilate(pred_boundary.astype(np.uint8), kernel)
    gt_dil = cv2.dilate(gt_boundary.astype(np.uint8), kernel)
    n_pred, n_gt = np.sum(pred_boundary), np.sum(gt_boundary)
    if n_pred == 0 and n_gt > 0:
        precision, recall = 1.0, 0.0
    elif n_pred > 0 and n_gt == 0:
        precision, recall = 0.0, 1.0
    elif n_pred == 0 and n_gt == 0:
        precision, recall = 1.0, 1.0
    else:
        precision = np.sum(pred_boundary * gt_dil) / float(n_pred)
        recall = np.sum(gt_boundary * pred_dil) / float(n_gt)
    if precision + recall == 0:
        return 0.0
    return float(2 * precision * recall / (precision + recall))


def db_statistics(per_frame: np.ndarray) -> tuple[float, float, float]:
    """(mean, recall = fraction > 0.5, decay = mean of first quarter - mean of last quarter).

    The quarters are davis2017-evaluation's four overlapping bins.
    """
    per_frame = np.asarray(per_frame, np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', category=RuntimeWarning)
        mean = np.nanmean(per_frame)
        recall = np.nanmean(per_frame > 0.5)
        ids = (np.round(np.linspace(1, len(per_frame), 5) + 1e-10) - 1).astype(np.int64)
        bins = [per_frame[ids[i]:ids[i + 1] + 1] for i in range(4)]
        decay = np.nanmean(bins[0]) - np.nanmean(bins[3])
    return float(mean), float(recall), float(decay)
