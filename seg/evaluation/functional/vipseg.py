"""VIPSeg video panoptic evaluation (VPQ over windows 1/2/4/6 and STQ) over VIPSeg's own file layout.

Ground truth: ``panoptic_gt_VIPSeg_val.json`` with ``panomasksRGB/<video>/<frame>.png`` beside it.
Prediction (VIPSeg submission): ``<pred>/pred.json`` and ``<pred>/pan_pred/<video>/<frame>.png``.
PNGs are RGB-encoded segment ids (0 = void); within a video equal ids are one tube.
"""
from __future__ import annotations

import os

import numpy as np
from tqdm import tqdm

from .fileio import EvalInputError, read_json, read_rgb_id_map
from .stq import STQAccumulator
from .video_panoptic_quality import VPQ_WINDOWS, frame_counts, vpq_stats_video, vpq_summary

__all__ = ['evaluate_vps', 'semantic_and_instance', 'vipseg_frames']


def _video_annotations(data: dict, path: str) -> dict:
    """{video_id: [frame annotation, ...]} from a VIPSeg JSON's ``annotations`` list."""
    if not isinstance(data, dict) or not isinstance(data.get('annotations'), list):
        raise EvalInputError(f'{path}: expected a VIPSeg panoptic JSON with an "annotations" list')
    videos = {}
    for index, video in enumerate(data['annotations']):
        if 'video_id' not in video or not isinstance(video.get('annotations'), list):
            raise EvalInputError(f'{path}: annotations[{index}] needs "video_id" and an "annotations" list')
        videos[video['video_id']] = video['annotations']
    return videos


def _segments(frame_ann: dict, where: str) -> dict:
    """{segment id: info} of one frame annotation."""
    if 'segments_info' not in frame_ann or 'file_name' not in frame_ann:
        raise EvalInputError(f'{where}: frame annotation needs "file_name" and "segments_info"')
    return {seg['id']: seg for seg in frame_ann['segments_info']}


def _check_gt_ids(gt_ids: np.ndarray, segments: dict, record: str) -> None:
    """Every non-void id of a GT PNG is described in the GT JSON."""
    unknown = sorted(set(np.unique(gt_ids).tolist()) - set(segments) - {0})
    if unknown:
        raise EvalInputError(f'{record}: GT segment ids {unknown} are in the PNG but not in the JSON')


def vipseg_frames(gt_json_path: str, pred_dir: str, gt_folder: str | None = None):
    """Yield ``(video_id, frames)`` with frames = [(gt_ids, gt_segments, pred_ids, pred_segments, record)]."""
    gt_data = read_json(gt_json_path)
    gt_videos = _video_annotations(gt_data, gt_json_path)
    pred_json_path = os.path.join(pred_dir, 'pred.json')
    pred_videos = _video_annotations(read_json(pred_json_path), pred_json_path)
    gt_folder = gt_folder or os.path.join(os.path.dirname(gt_json_path), 'panomasksRGB')
    pred_folder = os.path.join(pred_dir, 'pan_pred')
    for video_id in pred_videos:
        if video_id not in gt_videos:
            raise EvalInputError(f'{pred_json_path}: unknown video_id {video_id!r} (not in {gt_json_path})')
    for video_id, gt_frames in gt_videos.items():
        if video_id not in pred_videos:
            raise EvalInputError(f'{pred_json_path}: no prediction for video {video_id!r}')
        pred_by_name = {}
        for frame in pred_videos[video_id]:
            pred_by_name[frame.get('file_name')] = frame
        frames = []
        for gt_frame in gt_frames:
            gt_segments = _segments(gt_frame, f'{gt_json_path}: video {video_id!r}')
            name = gt_frame['file_name']
            if name not in pred_by_name:
                raise EvalInputError(f'{pred_json_path}: video {video_id!r} has no prediction for frame '
                                     f'{name}')
            pred_segments = _segments(pred_by_name[name], f'{pred_json_path}: video {video_id!r}')
            gt_png = os.path.join(gt_folder, str(video_id), name)
            pred_png = os.path.join(pred_folder, str(video_id), name)
            record = f'{pred_png} (video {video_id!r}, frame {name})'
            gt_ids = read_rgb_id_map(gt_png, record=f'video {video_id!r}, frame {name}')
            pred_ids = read_rgb_id_map(pred_png, record=f'video {video_id!r}, frame {name}')
            if gt_ids.shape != pred_ids.shape:
                raise EvalInputError(f'{record}: prediction PNG size {pred_ids.shape[::-1]} (W, H) differs '
                                     f'from ground truth {gt_ids.shape[::-1]}')
            _check_gt_ids(gt_ids, gt_segments, f'{gt_png} (video {video_id!r})')
            frames.append((gt_ids, gt_segments, pred_ids, pred_segments, record))
        yield video_id, frames


def semantic_and_instance(ids: np.ndarray, segments: dict, class_index: dict, thing_ids: set,
                          track_index: dict, void: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel (class index, instance) maps from an id map; ``track_index`` numbers tubes 1, 2, ..."""
    unique, inverse = np.unique(ids, return_inverse=True)
    sem_lut = np.full(len(unique), void, np.int64)
    inst_lut = np.zeros(len(unique), np.int64)
    for pos, seg_id in enumerate(unique.tolist()):
        info = segments.get(seg_id)
        if info is None:
            continue
        sem_lut[pos] = class_index[info['category_id']]
        if info['category_id'] in thing_ids and not info.get('iscrowd', 0):
            inst_lut[pos] = track_index.setdefault(seg_id, len(track_index) + 1)
    return sem_lut[inverse].reshape(ids.shape), inst_lut[inverse].reshape(ids.shape)


def evaluate_vps(gt_json_path: str, pred_dir: str, *, gt_folder: str | None = None, windows=VPQ_WINDOWS,
                 reference_thing_mask: bool = False, absent_categories: str = 'skip',
                 progress: bool = True) -> dict:
    """VPQ@k (k in ``windows``), VPQ, VPQ_th, VPQ_st, STQ, AQ, IoU in percent.

    ``absent_categories``: 'skip' categories absent from GT and prediction (VIPSeg's rule) or count them
    as 0 ('zero', OMG-Seg's offline script).
    """
    gt_data = read_json(gt_json_path)
    if not isinstance(gt_data.get('categories'), list):
        raise EvalInputError(f'{gt_json_path}: expected a "categories" list')
    categories = {c['id']: c for c in gt_data['categories']}
    class_index = {cat_id: index for index, cat_id in enumerate(categories)}
    thing_ids = {c for c, info in categories.items() if info.get('isthing', 0) == 1}
    num_classes = len(categories)
    stq = STQAccumulator(num_classes=num_classes, thing_classes=[class_index[c] for c in thing_ids],
                         ignore_label=num_classes, reference_thing_mask=reference_thing_mask)
    totals = None
    num_videos = len(gt_data.get('annotations', []))
    videos = vipseg_frames(gt_json_path, pred_dir, gt_folder)
    for video_id, frames in tqdm(videos, total=num_videos, desc='VPQ / STQ', disable=not progress):
        counts, gt_tracks, pred_tracks = [], {}, {}
        for gt_ids, gt_segments, pred_ids, pred_segments, record in frames:
            counts.append(frame_counts(gt_ids, gt_segments, pred_ids, pred_segments, categories, record))
            gt_sem, gt_inst = semantic_and_instance(gt_ids, gt_segments, class_index, thing_ids, gt_tracks,
                                                    num_classes)
            pred_sem, pred_inst = semantic_and_instance(pred_ids, pred_segments, class_index, thing_ids,
                                                        pred_tracks, num_classes)
            stq.update(video_id, gt_sem, gt_inst, pred_sem, pred_inst, record)
        stats = vpq_stats_video(counts, windows)
        if totals is None:
            totals = stats
        else:
            for k in windows:
                totals[k] += stats[k]
    results = vpq_summary(totals or {}, categories, absent_categories=absent_categories)
    stq_result = stq.result()
    results.update({'STQ': 100 * stq_result['STQ'], 'AQ': 100 * stq_result['AQ'],
                    'IoU': 100 * stq_result['IoU']})
    return results
