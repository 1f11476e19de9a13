"""Video panoptic quality (VPQ) over temporal windows, OMG-Seg / VIPSeg convention.

For a window length k, every run of k consecutive frames of a video is treated as one image
made of the frames placed side by side (along the width); segments with the same id in
different frames are one tube. Tubes are matched as in PQ (same category, IoU > 0.5, the
prediction's overlap with void removed from the union, crowd ignored); IoU / TP / FP / FN are
summed over all windows of all videos per category. VPQ@k = mean over categories of
``iou / (tp + fp/2 + fn/2)``; VPQ = mean over the window lengths. Categories with no TP, FP and FN
(absent from GT and prediction) are left out, as VIPSeg's ``eval_vpq_vspw.py`` and panopticapi's
``pq_average`` do (``absent_categories='skip'``, the default); ``'zero'`` counts them as 0, OMG-Seg's
``eval_video.py`` convention (NaN -> 0 over all categories).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .panoptic_quality import OverlapTable, PQStat, check_prediction_segments, match_segments

__all__ = ['ABSENT_CATEGORY_RULES', 'VPQ_WINDOWS', 'FrameCounts', 'frame_counts', 'merge_frames',
           'vpq_stats_video', 'vpq_summary']

VPQ_WINDOWS = (1, 2, 4, 6)
ABSENT_CATEGORY_RULES = ('skip', 'zero')


@dataclass
class FrameCounts:
    """Pixel statistics of one frame (or of a window of frames side by side)."""
    table: OverlapTable
    gt_segments: dict     # id -> {'category_id', 'iscrowd', 'area'}
    pred_segments: dict   # id -> {'category_id', 'iscrowd', 'area'} (checked against the PNG)


def frame_counts(gt_ids: np.ndarray, gt_segments: dict, pred_ids: np.ndarray, pred_segments: dict,
                 categories: dict, record: str) -> FrameCounts:
    """Count one frame; segment areas come from the id maps."""
    table = OverlapTable.from_id_maps(gt_ids, pred_ids)
    gt = {seg_id: {'category_id': info['category_id'], 'iscrowd': info.get('iscrowd', 0),
                   'area': table.gt_areas.get(seg_id, 0)}
          for seg_id, info in gt_segments.items() if table.gt_areas.get(seg_id, 0) > 0}
    pred = check_prediction_segments(table.pred_areas, pred_segments, categories, record)
    return FrameCounts(table, gt, pred)


def _merge_segments(segment_dicts: list[dict]) -> dict:
    """Union of per-frame segments; areas summed, category / crowd flag of the first occurrence."""
    merged = {}
    for segments in segment_dicts:
        for seg_id, info in segments.items():
            if seg_id in merged:
                merged[seg_id]['area'] += info['area']
            else:
                merged[seg_id] = dict(info)
    return merged


def merge_frames(frames: list[FrameCounts]) -> FrameCounts:
    """Statistics of the frames placed side by side."""
    table = OverlapTable()
    for frame in frames:
        table = table + frame.table
    return FrameCounts(table, _merge_segments([f.gt_segments for f in frames]),
                       _merge_segments([f.pred_segments for f in frames]))


def vpq_stats_video(frames: list[FrameCounts], windows=VPQ_WINDOWS) -> dict[int, PQStat]:
    """Per-window-length PQ statistics of one video (videos shorter than k add nothing for k)."""
    stats = {}
    for k in windows:
        stats[k] = PQStat()
        for start in range(len(frames) - k + 1):
            window = merge_frames(frames[start:start + k])
            stats[k] += match_segments(window.table, window.gt_segments, window.pred_segments)
    return stats


def _category_pq(stat: PQStat, cat_ids: list, absent_categories: str = 'skip') -> np.ndarray:
    """PQ of each category with a TP, FP or FN; absent ones are left out ('skip') or 0 ('zero')."""
    values = []
    for cat in cat_ids:
        s = stat.pq_per_cat[cat] if cat in stat.pq_per_cat else None
        if s is None or s.tp + s.fp + s.fn == 0:
            if absent_categories == 'zero':
                values.append(0.0)
            continue
        values.append(s.iou / (s.tp + 0.5 * s.fp + 0.5 * s.fn))
    return np.asarray(values, np.float64)


def vpq_summary(stats: dict[int, PQStat], categories: dict, *, absent_categories: str = 'skip') -> dict:
    """VPQ@k, VPQ_th@k, VPQ_st@k per window length and their means VPQ, VPQ_th, VPQ_st, in percent.

    ``absent_categories``: 'skip' (VIPSeg's official rule) or 'zero' (OMG-Seg's), see the module docstring;
    a window length with no category present gives 0.
    """
    if absent_categories not in ABSENT_CATEGORY_RULES:
        raise ValueError(f'absent_categories must be one of {ABSENT_CATEGORY_RULES}, '
                         f'got {absent_categories!r}')
    things = [c for c, info in categories.items() if info.get('isthing', 0) == 1]
    stuff = [c for c, info in categories.items() if info.get('isthing', 0) != 1]
    mean = (lambda v: float(v.mean()) if v.size else 0.0)
    results = {}
    for k, stat in stats.items():
        for name, cat_ids in (('VPQ', list(categories)), ('VPQ_th', things), ('VPQ_st', stuff)):
            results[f'{name}@{k}'] = 100 * mean(_category_pq(stat, cat_ids, absent_categories))
    for name in ('VPQ', 'VPQ_th', 'VPQ_st'):
        per_k = [results[f'{name}@{k}'] for k in stats]
        results[name] = float(np.mean(per_k)) if per_k else 0.0
    return results
