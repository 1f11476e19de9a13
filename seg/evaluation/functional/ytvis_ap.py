"""YouTube-VIS video mask AP / AR, following the YouTube-VIS cocoapi fork (``ytvoseval``).

Differences from image COCOeval, all from that fork: a "track" (one object over a video) is
matched by its video-level IoU = sum over frames of the intersection / sum over frames of
the union (frames where neither mask exists are skipped; a frame with only one mask adds its
area to the union); the area of a track is the mean of its non-empty per-frame areas; area
ranges are 0-128^2-256^2-inf. The matching, accumulation and summary are pycocotools'.
"""
from __future__ import annotations

import copy
from collections import defaultdict

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.cocoeval import COCOeval

from .fileio import EvalInputError, read_json
from .instance_ap import check_score, run_cocoeval
from .rle_checks import find_invalid, to_compressed_rle

__all__ = ['YTVIS_AREA_RANGES', 'VideoCOCOeval', 'cocovid_to_ytvis', 'evaluate_ytvis', 'is_cocovid',
           'load_ytvis_gt', 'load_ytvis_results', 'video_iou']

YTVIS_AREA_RANGES = [[0 ** 2, 1e5 ** 2], [0 ** 2, 128 ** 2], [128 ** 2, 256 ** 2], [256 ** 2, 1e5 ** 2]]


def _mean_area(areas: list) -> float:
    """ytvoseval's ``avg_area``: mean of the truthy (present, non-zero) per-frame areas, 0 if none."""
    present = [a for a in areas if a]
    return float(np.array(present).mean()) if present else 0


def _frame_rles(record: dict, video: dict, where: str) -> list:
    """Per-frame compressed RLEs (None where absent), checked against the video's length and size."""
    segms = record.get('segmentations')
    if not isinstance(segms, list):
        raise EvalInputError(f'{where}: "segmentations" must be a list with one entry per frame')
    if len(segms) != video['length']:
        raise EvalInputError(f'{where}: {len(segms)} segmentations for video {video["id"]} of length '
                             f'{video["length"]}')
    height, width = video['height'], video['width']
    invalid = find_invalid(segms, [(height, width)] * len(segms), allow_none=True)
    if invalid:
        raise EvalInputError(f'{where}: frame {invalid[0]} of video {video["id"]}: {invalid[1]}')
    return [to_compressed_rle(s, height, width, checked=True) for s in segms]


def is_cocovid(data) -> bool:
    """True for mmdet's CocoVID layout (``images`` + one annotation per frame with ``instance_id``), the
    form ``tools/dataset_convert`` writes and our YouTube-VIS dataset configs read."""
    return (isinstance(data, dict) and isinstance(data.get('images'), list)
            and isinstance(data.get('annotations'), list)
            and all('instance_id' in ann for ann in data['annotations'][:1]))


def cocovid_to_ytvis(data: dict, source: str = 'gt') -> dict:
    """CocoVID (per-frame annotations) -> YouTube-VIS (per-track ``segmentations``, one entry per frame).

    A video's frames are its images ordered by ``frame_id``; a track is one (video_id, instance_id).
    """
    frames = defaultdict(list)
    for image in data['images']:
        frames[image['video_id']].append(image)
    position = {}
    for video_id, images in frames.items():
        for index, image in enumerate(sorted(images, key=lambda im: im.get('frame_id', 0))):
            position[image['id']] = (video_id, index)
    videos = [dict(video, length=len(frames.get(video['id'], []))) for video in data.get('videos', [])]
    tracks = {}
    for index, ann in enumerate(data['annotations']):
        if ann.get('image_id') not in position:
            raise EvalInputError(f'{source}: annotations[{index}] has unknown image_id '
                                 f'{ann.get("image_id")!r}')
        video_id, frame = position[ann['image_id']]
        key = (video_id, ann['instance_id'])
        if key not in tracks:
            tracks[key] = {'video_id': video_id, 'category_id': ann['category_id'],
                           'iscrowd': int(ann.get('iscrowd', 0)),
                           'segmentations': [None] * len(frames[video_id])}
        tracks[key]['segmentations'][frame] = ann['segmentation']
    return {'videos': videos, 'categories': data.get('categories'), 'annotations': list(tracks.values())}


def load_ytvis_gt(gt: str | dict) -> tuple[dict, list, list]:
    """(videos by id, GT tracks, category ids) from a YouTube-VIS JSON with annotations, or the CocoVID
    JSON our YouTube-VIS configs read."""
    source = gt if isinstance(gt, str) else 'gt'
    data = read_json(gt) if isinstance(gt, str) else gt
    if is_cocovid(data):
        data = cocovid_to_ytvis(data, source)
    for key in ('videos', 'annotations', 'categories'):
        if not isinstance(data, dict) or not isinstance(data.get(key), list):
            raise EvalInputError(f'{source}: expected a YouTube-VIS JSON with a "{key}" list')
    videos = {}
    for video in data['videos']:
        length = video.get('length', len(video.get('file_names', [])))
        videos[video['id']] = {'id': video['id'], 'height': video['height'], 'width': video['width'],
                               'length': length}
    tracks = []
    for index, ann in enumerate(data['annotations']):
        where = f'{source}: annotations[{index}]'
        if ann.get('video_id') not in videos:
            raise EvalInputError(f'{where} has unknown video_id {ann.get("video_id")!r}')
        rles = _frame_rles(ann, videos[ann['video_id']], where)
        areas = ann.get('areas') or [mask_utils.area(r) if r else None for r in rles]
        tracks.append({'id': index + 1, 'video_id': ann['video_id'], 'category_id': ann['category_id'],
                       'segmentations': rles, 'area': _mean_area(areas),
                       'iscrowd': int(ann.get('iscrowd', 0)), 'ignore': int(ann.get('iscrowd', 0))})
    return videos, tracks, [c['id'] for c in data['categories']]


def load_ytvis_results(results: str | list, videos: dict, cat_ids: list) -> list:
    """Predicted tracks from a ``results.json`` list of {video_id, category_id, score, segmentations}."""
    source = results if isinstance(results, str) else 'results'
    data = read_json(results) if isinstance(results, str) else results
    if not isinstance(data, list):
        raise EvalInputError(f'{source}: expected a JSON list of video results')
    tracks = []
    for index, res in enumerate(data):
        where = f'{source}: result [{index}]'
        for key in ('video_id', 'category_id', 'score', 'segmentations'):
            if key not in res:
                raise EvalInputError(f'{where} has no "{key}"')
        if res['video_id'] not in videos:
            raise EvalInputError(f'{where} has unknown video_id {res["video_id"]!r}')
        if res['category_id'] not in cat_ids:
            raise EvalInputError(f'{where} has unknown category_id {res["category_id"]!r}')
        check_score(res['score'], where)
        rles = _frame_rles(res, videos[res['video_id']], where)
        tracks.append({'id': index + 1, 'video_id': res['video_id'], 'category_id': res['category_id'],
                       'score': float(res['score']), 'segmentations': rles, 'iscrowd': 0,
                       'area': _mean_area([mask_utils.area(r) if r else None for r in rles])})
    return tracks


def video_iou(dt_segms: list[list], gt_segms: list[list]) -> np.ndarray:
    """Video IoU matrix (D x G): per-frame intersections and unions summed over frames."""
    num_dt, num_gt = len(dt_segms), len(gt_segms)
    inter = np.zeros((num_dt, num_gt))
    union = np.zeros((num_dt, num_gt))
    num_frames = len(dt_segms[0]) if num_dt else (len(gt_segms[0]) if num_gt else 0)
    for frame in range(num_frames):
        d_present = np.array([s[frame] is not None for s in dt_segms], bool)
        g_present = np.array([s[frame] is not None for s in gt_segms], bool)
        d_area = np.array([mask_utils.area(s[frame]) if s[frame] else 0 for s in dt_segms], np.float64)
        g_area = np.array([mask_utils.area(s[frame]) if s[frame] else 0 for s in gt_segms], np.float64)
        frame_inter = np.zeros((num_dt, num_gt))
        if d_present.any() and g_present.any():
            d_rles = [s[frame] for s in dt_segms if s[frame] is not None]
            g_rles = [s[frame] for s in gt_segms if s[frame] is not None]
            iou = np.asarray(mask_utils.iou(d_rles, g_rles, [0] * len(g_rles)), np.float64)
            pair_sum = d_area[d_present][:, None] + g_area[g_present][None, :]
            frame_inter[np.ix_(d_present, g_present)] = np.round(iou * pair_sum / (1 + iou))
        inter += frame_inter
        union += d_area[:, None] + g_area[None, :] - frame_inter
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.where(union > 0, inter / np.maximum(union, 1), 0.0)


class VideoCOCOeval(COCOeval):
    """pycocotools COCOeval over videos ("images" are videos) with the video IoU of ytvoseval."""

    def __init__(self, gt_tracks: list, dt_tracks: list, video_ids: list, cat_ids: list):
        super().__init__(None, None, 'segm')
        self.params.imgIds = sorted(video_ids)
        self.params.catIds = sorted(cat_ids)
        self.params.areaRng = copy.deepcopy(YTVIS_AREA_RANGES)
        self._gt_tracks, self._dt_tracks = gt_tracks, dt_tracks

    def _prepare(self):
        """Group tracks by (video, category); track ``area`` already holds ytvoseval's avg_area."""
        self._gts, self._dts = defaultdict(list), defaultdict(list)
        for gt in self._gt_tracks:
            self._gts[gt['video_id'], gt['category_id']].append(gt)
        for dt in self._dt_tracks:
            self._dts[dt['video_id'], dt['category_id']].append(dt)
        self.evalImgs = defaultdict(list)
        self.eval = {}

    def computeIoU(self, video_id, cat_id):  # noqa: N802 (pycocotools API)
        """Video IoU of the top-maxDet detections (by score) against all GT tracks."""
        gt, dt = self._gts[video_id, cat_id], self._dts[video_id, cat_id]
        if len(gt) == 0 and len(dt) == 0:
            return []
        order = np.argsort([-d['score'] for d in dt], kind='mergesort')
        dt = [dt[i] for i in order][:self.params.maxDets[-1]]
        return video_iou([d['segmentations'] for d in dt], [g['segmentations'] for g in gt])


def evaluate_ytvis(gt: str | dict, results: str | list, *, verbose: bool = False) -> dict:
    """YouTube-VIS AP, AP50, AP75, APs, APm, APl, AR1, AR10 (and AR100, ARs/m/l) in percent."""
    videos, gt_tracks, cat_ids = load_ytvis_gt(gt)
    dt_tracks = load_ytvis_results(results, videos, cat_ids)
    return run_cocoeval(VideoCOCOeval(gt_tracks, dt_tracks, list(videos), cat_ids), verbose)
