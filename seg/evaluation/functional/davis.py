"""DAVIS-2017 semi-supervised evaluation (J, F, J&F) over a DAVIS root and a folder of result PNGs.

Protocol of davis2017-evaluation: objects are the ids of the first GT frame; the first and the
last frame are not scored; 255 in GT is void (treated as background in the semi-supervised
task); results are indexed PNGs ``<results>/<sequence>/<frame>.png`` (RGB PNGs are mapped back
to indices through the GT palette).
"""
from __future__ import annotations

import os

import numpy as np
from PIL import Image
from tqdm import tqdm

from .davis_measures import boundary_f_measure, db_statistics, region_similarity
from .fileio import EvalInputError, read_png

__all__ = ['davis_palette', 'davis_summary', 'evaluate_davis', 'evaluate_davis_sequence',
           'read_sequence_list']


def davis_palette() -> list[int]:
    """The DAVIS / PASCAL VOC 256-colour palette as a flat [r0, g0, b0, r1, ...] list."""
    palette = []
    for index in range(256):
        code, r, g, b = index, 0, 0, 0
        for bit in range(8):
            r |= (code & 1) << (7 - bit)
            g |= ((code >> 1) & 1) << (7 - bit)
            b |= ((code >> 2) & 1) << (7 - bit)
            code >>= 3
        palette += [r, g, b]
    return palette


def read_sequence_list(davis_root: str, split: str) -> list[str]:
    """Sequence names of ``ImageSets/2017/<split>.txt``."""
    path = os.path.join(davis_root, 'ImageSets', '2017', f'{split}.txt')
    if not os.path.isfile(path):
        raise EvalInputError(f'{path}: DAVIS split file not found')
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def _palette_lookup(gt_png: str) -> dict:
    """{(r, g, b): index} from the palette of a GT annotation PNG."""
    with Image.open(gt_png) as img:
        palette = img.getpalette() or []
    return {tuple(palette[3 * i:3 * i + 3]): i for i in range(len(palette) // 3)}


def _read_result(path: str, colour_to_index: dict, record: str) -> np.ndarray:
    """Indexed result map; RGB results are converted with the GT palette."""
    result = read_png(path, record=record)
    if result.ndim == 2:
        return result.astype(np.int64)
    rgb = result[..., :3].astype(np.int64)
    codes = rgb[..., 0] * 65536 + rgb[..., 1] * 256 + rgb[..., 2]
    out = np.zeros(codes.shape, np.int64)
    for code in np.unique(codes).tolist():
        colour = (code // 65536, code // 256 % 256, code % 256)
        if colour not in colour_to_index:
            raise EvalInputError(f'{path}: colour {colour} is not in the DAVIS palette ({record})')
        out[codes == code] = colour_to_index[colour]
    return out


def _object_masks(index_maps: np.ndarray, num_objects: int) -> np.ndarray:
    """(num_objects, T, H, W) boolean masks of ids 1..num_objects."""
    ids = np.arange(1, num_objects + 1)[:, None, None, None]
    return index_maps[None] == ids


def evaluate_davis_sequence(gt_maps: np.ndarray, result_maps: np.ndarray, record: str = 'sequence'
                            ) -> tuple[np.ndarray, np.ndarray]:
    """Per-object J and F (num_objects x (T - 2)) of one sequence.

    ``gt_maps``: (T, H, W) GT index maps of all frames (objects = ids of the first frame, 255 =
    void); ``result_maps``: (T - 2, H, W) result index maps of frames 1 .. T - 2.
    """
    gt_maps = np.where(gt_maps == 255, 0, gt_maps).astype(np.int64)
    num_objects = int(gt_maps[0].max())
    return _scores(_object_masks(gt_maps[1:-1], num_objects), result_maps.astype(np.int64), record)


def _scores(gt_masks: np.ndarray, result_maps: np.ndarray, record: str) -> tuple[np.ndarray, np.ndarray]:
    """J and F of every GT object against the result's object of the same id."""
    num_objects = gt_masks.shape[0]
    num_result = int(result_maps.max()) if result_maps.size else 0
    if num_result > num_objects:
        raise EvalInputError(f'{record}: result contains object id {num_result} but the sequence has only '
                             f'{num_objects} objects')
    if result_maps.shape != gt_masks.shape[1:]:
        raise EvalInputError(f'{record}: result size {result_maps.shape[1:]} differs from the annotation '
                             f'{gt_masks.shape[2:]}')
    res_masks = _object_masks(result_maps, num_objects)
    j = np.zeros(gt_masks.shape[:2])
    f = np.zeros(gt_masks.shape[:2])
    for obj in range(num_objects):
        j[obj] = region_similarity(gt_masks[obj], res_masks[obj])
        for t in range(gt_masks.shape[1]):
            f[obj, t] = boundary_f_measure(res_masks[obj, t], gt_masks[obj, t])
    return j, f


def davis_summary(j_stats: list, f_stats: list) -> dict:
    """davis2017-evaluation global table in percent from per-object (mean, recall, decay) triples."""
    j, f = np.array(j_stats).reshape(-1, 3), np.array(f_stats).reshape(-1, 3)
    j_mean, f_mean = (float(j[:, 0].mean()), float(f[:, 0].mean())) if len(j) else (0.0, 0.0)
    return {'J&F': 100 * (j_mean + f_mean) / 2, 'J_mean': 100 * j_mean,
            'J_recall': 100 * float(j[:, 1].mean()) if len(j) else 0.0,
            'J_decay': 100 * float(j[:, 2].mean()) if len(j) else 0.0,
            'F_mean': 100 * f_mean, 'F_recall': 100 * float(f[:, 1].mean()) if len(f) else 0.0,
            'F_decay': 100 * float(f[:, 2].mean()) if len(f) else 0.0}


def evaluate_davis(davis_root: str, results_dir: str, *, split: str = 'val', resolution: str = '480p',
                   progress: bool = True) -> dict:
    """J&F, J_mean/recall/decay, F_mean/recall/decay (percent) and per-object J/F means."""
    j_stats, f_stats, per_object = [], [], {}
    for seq in tqdm(read_sequence_list(davis_root, split), desc='DAVIS J&F', disable=not progress):
        ann_dir = os.path.join(davis_root, 'Annotations', resolution, seq)
        if not os.path.isdir(ann_dir):
            raise EvalInputError(f'{ann_dir}: annotation folder of sequence {seq} not found')
        frames = sorted(n[:-4] for n in os.listdir(ann_dir) if n.endswith('.png'))
        if len(frames) < 3:
            raise EvalInputError(f'{ann_dir}: a sequence needs at least 3 annotated frames')
        gt = np.stack([read_png(os.path.join(ann_dir, f'{n}.png'), record=seq) for n in frames])
        colours = _palette_lookup(os.path.join(ann_dir, f'{frames[0]}.png'))
        results = np.stack([_read_result(os.path.join(results_dir, seq, f'{n}.png'), colours,
                                         f'sequence {seq}, frame {n}') for n in frames[1:-1]])
        j, f = evaluate_davis_sequence(gt, results, os.path.join(results_dir, seq))
        for obj in range(j.shape[0]):
            j_stats.append(db_statistics(j[obj]))
            f_stats.append(db_statistics(f[obj]))
            per_object[f'{seq}_{obj + 1}'] = {'J': 100 * j_stats[-1][0], 'F': 100 * f_stats[-1][0]}
    results = davis_summary(j_stats, f_stats)
    results['per_object'] = per_object
    return results
