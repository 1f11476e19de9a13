"""Panoptic quality (PQ / SQ / RQ) segment matching on id maps, exactly as panopticapi defines it.

An id map holds one segment id per pixel, ``0`` = void. Segments are described by dicts
``{segment_id: {'category_id', 'iscrowd', 'area'}}``. The matching rule, void and crowd
handling are those of ``panopticapi.evaluation.pq_compute_single_core``; statistics are
accumulated in panopticapi's ``PQStat``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from panopticapi.evaluation import OFFSET, VOID, PQStat

from .fileio import EvalInputError

__all__ = ['OverlapTable', 'PQStat', 'VOID', 'check_prediction_segments', 'match_segments',
           'pq_stat_single', 'pq_summary']


@dataclass
class OverlapTable:
    """Pixel counts of a (ground truth, prediction) id-map pair.

    ``intersections[(gt_id, pred_id)]`` = #pixels with both ids; ``gt_areas`` / ``pred_areas`` =
    #pixels of each id. Tables of several frames add up (``+``) to the table of the frames
    placed side by side.
    """
    intersections: Counter = field(default_factory=Counter)
    gt_areas: Counter = field(default_factory=Counter)
    pred_areas: Counter = field(default_factory=Counter)

    @classmethod
    def from_id_maps(cls, gt_ids: np.ndarray, pred_ids: np.ndarray) -> 'OverlapTable':
        """Count the id pairs of two (H x W) id maps of the same shape."""
        if gt_ids.shape != pred_ids.shape:
            raise EvalInputError(f'id map shapes differ: gt {gt_ids.shape} vs pred {pred_ids.shape}')
        pairs = gt_ids.astype(np.uint64) * np.uint64(OFFSET) + pred_ids.astype(np.uint64)
        keys, counts = np.unique(pairs, return_counts=True)
        gt_part, pred_part = keys // np.uint64(OFFSET), keys % np.uint64(OFFSET)
        table = cls()
        for gt_id, pred_id, count in zip(gt_part.tolist(), pred_part.tolist(), counts.tolist()):
            table.intersections[(gt_id, pred_id)] = count
            table.gt_areas[gt_id] += count
            table.pred_areas[pred_id] += count
        return table

    def __add__(self, other: 'OverlapTable') -> 'OverlapTable':
        return OverlapTable(self.intersections + other.intersections, self.gt_areas + other.gt_areas,
                            self.pred_areas + other.pred_areas)


def check_prediction_segments(pred_areas: Counter, pred_segments: dict, categories: dict,
                              record: str) -> dict:
    """Validate predicted segments against the PNG and set their pixel areas (panopticapi checks).

    Returns a copy of ``pred_segments`` with ``area`` taken from ``pred_areas``.
    """
    checked = {}
    for seg_id, count in pred_areas.items():
        if seg_id == VOID:
            continue
        if seg_id not in pred_segments:
            raise EvalInputError(f'{record}: segment id {seg_id} is in the PNG but not in the JSON '
                                 'segments_info')
        info = dict(pred_segments[seg_id], area=count)
        if info['category_id'] not in categories:
            raise EvalInputError(f'{record}: segment id {seg_id} has unknown category_id '
                                 f'{info["category_id"]}')
        checked[seg_id] = info
    missing = sorted(set(pred_segments) - set(checked))
    if missing:
        raise EvalInputError(f'{record}: segment ids {missing} are in the JSON segments_info but not in '
                             'the PNG')
    return checked


def match_segments(table: OverlapTable, gt_segments: dict, pred_segments: dict) -> PQStat:
    """Match segments (same category, IoU > 0.5) and count TP / FP / FN per category.

    ``gt_segments`` / ``pred_segments`` map segment id -> {'category_id', 'iscrowd', 'area'}
    (prediction areas from ``check_prediction_segments``). The union excludes the prediction's
    overlap with void; crowd GT segments are never matched; an unmatched prediction covered
    more than half by void plus same-class crowd is not a false positive.
    """
    stat = PQStat()
    inter = table.intersections
    gt_matched, pred_matched = set(), set()
    for (gt_id, pred_id) in sorted(inter):
        gt_info, pred_info = gt_segments.get(gt_id), pred_segments.get(pred_id)
        if gt_info is None or pred_info is None or gt_info['iscrowd'] == 1:
            continue
        if gt_info['category_id'] != pred_info['category_id']:
            continue
        union = (pred_info['area'] + gt_info['area'] - inter[(gt_id, pred_id)]
                 - inter.get((VOID, pred_id), 0))
        iou = inter[(gt_id, pred_id)] / union
        if iou > 0.5:
            stat[gt_info['category_id']].tp += 1
            stat[gt_info['category_id']].iou += iou
            gt_matched.add(gt_id)
            pred_matched.add(pred_id)

    crowd_by_category = {}
    for gt_id, gt_info in gt_segments.items():
        if gt_id in gt_matched:
            continue
        if gt_info['iscrowd'] == 1:
            crowd_by_category[gt_info['category_id']] = gt_id
            continue
        stat[gt_info['category_id']].fn += 1

    for pred_id, pred_info in pred_segments.items():
        if pred_id in pred_matched:
            continue
        ignored = inter.get((VOID, pred_id), 0)
        if pred_info['category_id'] in crowd_by_category:
            ignored += inter.get((crowd_by_category[pred_info['category_id']], pred_id), 0)
        if ignored / pred_info['area'] > 0.5:
            continue
        stat[pred_info['category_id']].fp += 1
    return stat


def pq_stat_single(gt_ids: np.ndarray, pred_ids: np.ndarray, gt_segments: dict, pred_segments: dict,
                   categories: dict, record: str = 'image') -> PQStat:
    """PQ statistics of one image from its GT / predicted id maps and segment descriptions."""
    if gt_ids.shape != pred_ids.shape:
        raise EvalInputError(f'{record}: prediction PNG size {pred_ids.shape[::-1]} (W, H) differs from '
                             f'ground truth {gt_ids.shape[::-1]}')
    table = OverlapTable.from_id_maps(gt_ids, pred_ids)
    pred_segments = check_prediction_segments(table.pred_areas, pred_segments, categories, record)
    return match_segments(table, gt_segments, pred_segments)


def _average(stat: PQStat, categories: dict, isthing: bool | None) -> tuple[dict, dict]:
    """panopticapi's ``pq_average``; a split without any counted category gives zeros, n = 0."""
    try:
        return stat.pq_average(categories, isthing=isthing)
    except ZeroDivisionError:
        return {'pq': 0.0, 'sq': 0.0, 'rq': 0.0, 'n': 0}, {}


def pq_summary(stat: PQStat, categories: dict) -> dict:
    """Flat PQ/SQ/RQ (All, _th, _st) in percent plus ``per_class`` {category_id: {PQ, SQ, RQ}}."""
    results = {}
    for suffix, isthing in (('', None), ('_th', True), ('_st', False)):
        avg, per_class = _average(stat, categories, isthing)
        results.update({f'PQ{suffix}': 100 * avg['pq'], f'SQ{suffix}': 100 * avg['sq'],
                        f'RQ{suffix}': 100 * avg['rq'], f'N{suffix}': avg['n']})
        if isthing is None:
            results['per_class'] = {cat: {'PQ': 100 * r['pq'], 'SQ': 100 * r['sq'], 'RQ': 100 * r['rq']}
                                    for cat, r in per_class.items()}
    return results
