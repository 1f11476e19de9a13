"""COCO instance mask AP with pycocotools' COCOeval (``segm``)."""
from __future__ import annotations

import contextlib
import copy
import io

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from .fileio import EvalInputError, read_json

__all__ = ['COCO_STAT_KEYS', 'coco_stats_to_dict', 'evaluate_coco_instance', 'load_coco_gt']

COCO_STAT_KEYS = ('AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl')


def coco_stats_to_dict(stats: np.ndarray) -> dict:
    """COCOeval ``stats`` (12 fractions, -1 = undefined) -> named values in percent (-1 kept)."""
    return {key: (100 * float(v) if v >= 0 else -1.0) for key, v in zip(COCO_STAT_KEYS, stats)}


def load_coco_gt(gt: str | dict) -> COCO:
    """A pycocotools COCO object from a path or an already loaded dict, without its prints."""
    data = read_json(gt) if isinstance(gt, str) else copy.deepcopy(gt)
    if not isinstance(data, dict) or 'images' not in data or 'annotations' not in data:
        raise EvalInputError(f'{gt if isinstance(gt, str) else "gt"}: expected a COCO instances JSON '
                             'with "images" and "annotations"')
    coco = COCO()
    coco.dataset = data
    with contextlib.redirect_stdout(io.StringIO()):
        coco.createIndex()
    return coco


def _check_results(results: list, coco_gt: COCO, source: str) -> None:
    """Every result names a known image and category and carries a mask RLE of the image size."""
    if not isinstance(results, list):
        raise EvalInputError(f'{source}: expected a JSON list of results')
    for index, res in enumerate(results):
        for key in ('image_id', 'category_id', 'segmentation', 'score'):
            if key not in res:
                raise EvalInputError(f'{source}: result [{index}] has no "{key}"')
        image = coco_gt.imgs.get(res['image_id'])
        if image is None:
            raise EvalInputError(f'{source}: result [{index}] has unknown image_id {res["image_id"]!r}')
        if res['category_id'] not in coco_gt.cats:
            raise EvalInputError(f'{source}: result [{index}] has unknown category_id {res["category_id"]!r}')
        seg = res['segmentation']
        if isinstance(seg, dict) and list(seg.get('size', [])) != [image['height'], image['width']]:
            raise EvalInputError(f'{source}: result [{index}] mask size {seg.get("size")} differs from image '
                                 f'{res["image_id"]} size {[image["height"], image["width"]]}')


def evaluate_coco_instance(gt: str | dict, results: str | list, *, verbose: bool = False) -> dict:
    """Mask AP / AR (COCOeval ``segm``) in percent: AP, AP50, AP75, APs, APm, APl, AR1, AR10, ..."""
    coco_gt = load_coco_gt(gt)
    source = results if isinstance(results, str) else 'results'
    results = read_json(results) if isinstance(results, str) else copy.deepcopy(results)
    _check_results(results, coco_gt, source)
    if not results:
        return {key: 0.0 for key in COCO_STAT_KEYS}
    for res in results:
        seg = res['segmentation']
        if isinstance(seg, dict) and isinstance(seg.get('counts'), str):
            seg['counts'] = seg['counts'].encode('ascii')
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
