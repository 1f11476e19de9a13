"""COCO instance mask AP with pycocotools' COCOeval (``segm``)."""
from __future__ import annotations

import contextlib
import copy
import io
import math
import warnings

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from .fileio import EvalInputError, read_json
from .rle_checks import find_invalid, to_compressed_rle

__all__ = ['COCO_STAT_KEYS', 'check_score', 'coco_stats_to_dict', 'evaluate_coco_instance', 'load_coco_gt']

COCO_STAT_KEYS = ('AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl')


def coco_stats_to_dict(stats: np.ndarray) -> dict:
    """COCOeval ``stats`` (12 fractions, -1 = undefined) -> named values in percent (-1 kept)."""
    return {key: (100 * float(v) if v >= 0 else -1.0) for key, v in zip(COCO_STAT_KEYS, stats)}


def load_coco_gt(gt: str | dict) -> COCO:
    """A pycocotools COCO object from a path or an already loaded dict, without its prints.

    Every annotation's segmentation is checked first (pycocotools loops for ever on broken RLE).
    """
    source = gt if isinstance(gt, str) else 'gt'
    data = read_json(gt) if isinstance(gt, str) else copy.deepcopy(gt)
    if not isinstance(data, dict) or 'images' not in data or 'annotations' not in data:
        raise EvalInputError(f'{source}: expected a COCO instances JSON with "images" and "annotations"')
    images = {image.get('id'): image for image in data['images'] if isinstance(image, dict)}
    anns = [ann for ann in data['annotations'] if isinstance(ann, dict) and 'segmentation' in ann]
    for ann in anns:
        if ann.get('image_id') not in images:
            raise EvalInputError(f'{source}: annotation id={ann.get("id")!r} has unknown image_id '
                                 f'{ann.get("image_id")!r}')
    _check_masks(anns, images, source, 'annotation', lambda ann, index: f'id={ann.get("id")!r}')
    coco = COCO()
    coco.dataset = data
    with contextlib.redirect_stdout(io.StringIO()):
        coco.createIndex()
    return coco


def _check_masks(records: list, images: dict, source: str, kind: str, name) -> None:
    """Every record's segmentation is a valid mask of its image; the error names file, record and image."""
    sizes = [(images[r['image_id']]['height'], images[r['image_id']]['width']) for r in records]
    invalid = find_invalid([r['segmentation'] for r in records], sizes)
    if invalid:
        index, problem = invalid
        record = records[index]
        raise EvalInputError(f'{source}: {kind} {name(record, index)} (image_id {record["image_id"]!r}): '
                             f'{problem}')


def _check_results(results: list, coco_gt: COCO, source: str) -> None:
    """Every result names a known image and category, has a finite score >= 0 and a valid mask."""
    if not isinstance(results, list):
        raise EvalInputError(f'{source}: expected a JSON list of results')
    for index, res in enumerate(results):
        if not isinstance(res, dict):
            raise EvalInputError(f'{source}: result [{index}] is a {type(res).__name__}, expected an object')
        for key in ('image_id', 'category_id', 'segmentation', 'score'):
            if key not in res:
                raise EvalInputError(f'{source}: result [{index}] has no "{key}"')
        if coco_gt.imgs.get(res['image_id']) is None:
            raise EvalInputError(f'{source}: result [{index}] has unknown image_id {res["image_id"]!r}')
        if res['category_id'] not in coco_gt.cats:
            raise EvalInputError(f'{source}: result [{index}] has unknown category_id {res["category_id"]!r}')
        check_score(res['score'], f'{source}: result [{index}]')
    _check_masks(results, coco_gt.imgs, source, 'result', lambda res, index: f'[{index}]')


def check_score(score, where: str) -> None:
    """A detection score is a finite number >= 0 (NaN or negative scores corrupt the ranking)."""
    number = isinstance(score, (int, float)) and not isinstance(score, bool)
    if not number or not math.isfinite(score) or score < 0:
        raise EvalInputError(f'{where} has score {score!r}; expected a finite number >= 0')


def evaluate_coco_instance(gt: str | dict, results: str | list, *, verbose: bool = False) -> dict:
    """Mask AP / AR (COCOeval ``segm``) in percent: AP, AP50, AP75, APs, APm, APl, AR1, AR10, ..."""
    coco_gt = load_coco_gt(gt)
    source = results if isinstance(results, str) else 'results'
    results = read_json(results) if isinstance(results, str) else copy.deepcopy(results)
    _check_results(results, coco_gt, source)
    if not results:
        warnings.warn(f'{source}: the result list is empty; every AP and AR is 0', stacklevel=2)
        return {key: 0.0 for key in COCO_STAT_KEYS}
    for res in results:
        image = coco_gt.imgs[res['image_id']]
        res['segmentation'] = to_compressed_rle(res['segmentation'], image['height'], image['width'],
                                                checked=True)
    with contextlib.redirect_stdout(io.StringIO()):
        coco_dt = coco_gt.loadRes(results)
    return run_cocoeval(COCOeval(coco_gt, coco_dt, 'segm'), verbose)


def run_cocoeval(evaluator, verbose: bool = False) -> dict:
    """evaluate / accumulate / summarize a COCOeval-like object quietly; its stats as named percents."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    if verbose:
        print(out.getvalue())
    return coco_stats_to_dict(evaluator.stats)
