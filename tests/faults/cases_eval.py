"""Evaluation inputs (tools/eval.py, seg.evaluation.functional): broken masks, scores, result lists."""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import eval_fixtures as fx
import numpy as np
from fault_case import Case, error_of, run_cli

from seg.evaluation.functional import evaluate_coco_instance, evaluate_ytvis

H = W = 10
MASK = fx.box_mask(H, W, 0, 2, 0, 5)
CATS = fx.categories({1: fx.THING})
SHORT_RLE = {'size': [H, W], 'counts': '05'}  # runs 0, 5: 5 pixels of a 100-pixel mask
GARBAGE_RLE = {'size': [H, W], 'counts': 'zzzz~~'}


def _ytvis_files(tmp: Path, gt_frame1=None, pred_frame1=None, score=0.9) -> tuple[str, str]:
    gt = fx.write_ytvis_gt(str(tmp / 'gt.json'), [(1, H, W, 2)], [(1, 1, [MASK, MASK], 0)], CATS)
    res = fx.write_ytvis_results(str(tmp / 'results.json'), [(1, 1, score, [MASK, MASK])])
    for path, frame in ((gt, gt_frame1), (res, pred_frame1)):
        if frame is not None:
            data = json.loads(Path(path).read_text())
            records = data['annotations'] if isinstance(data, dict) else data
            records[0]['segmentations'][1] = frame
            Path(path).write_text(json.dumps(data))
    return gt, res


def _coco_gt(tmp: Path, segmentation=None) -> str:
    path = tmp / 'instances.json'
    path.write_text(json.dumps({
        'images': [{'id': 1, 'height': H, 'width': W}], 'categories': [{'id': 1, 'name': 'a'}],
        'annotations': [{'id': 7, 'image_id': 1, 'category_id': 1,
                         'segmentation': segmentation or fx.rle(MASK), 'area': 10, 'bbox': [0, 0, 5, 2],
                         'iscrowd': 0}]}))
    return str(path)


def _coco_results(tmp: Path, segmentation=None, score=0.9) -> str:
    path = tmp / 'results.json'
    first = {'image_id': 1, 'category_id': 1, 'score': 0.95, 'segmentation': fx.rle(MASK)}
    second = {'image_id': 1, 'category_id': 1, 'score': score, 'segmentation': segmentation or fx.rle(MASK)}
    path.write_text(json.dumps([first, second]))
    return str(path)


def ytvis_gt_rle_short(tmp):
    gt, res = _ytvis_files(tmp, gt_frame1=SHORT_RLE)
    return run_cli('tools/eval.py', 'ytvis', '--gt', gt, '--pred', res)


def ytvis_pred_rle_long(tmp):
    long_rle = {'size': [H, W], 'counts': fx.rle(fx.box_mask(H + 1, W, 0, 2, 0, 5))['counts']}
    gt, res = _ytvis_files(tmp, pred_frame1=long_rle)
    return run_cli('tools/eval.py', 'ytvis', '--gt', gt, '--pred', res)


def coco_instance_garbage_rle(tmp):
    return run_cli('tools/eval.py', 'coco_instance', '--gt', _coco_gt(tmp),
                   '--pred', _coco_results(tmp, GARBAGE_RLE))


def coco_instance_gt_garbage_rle(tmp):
    return run_cli('tools/eval.py', 'coco_instance', '--gt', _coco_gt(tmp, GARBAGE_RLE),
                   '--pred', _coco_results(tmp))


def coco_instance_nan_score(tmp):
    return error_of(evaluate_coco_instance, _coco_gt(tmp), _coco_results(tmp, score=float('nan')))


def coco_instance_negative_score(tmp):
    return error_of(evaluate_coco_instance, _coco_gt(tmp), _coco_results(tmp, score=-1))


def coco_instance_bytes_repr_counts(tmp):
    counts = str(fx.rle(MASK)['counts'].encode('ascii'))
    results = _coco_results(tmp, {'size': [H, W], 'counts': counts})
    return error_of(evaluate_coco_instance, _coco_gt(tmp), results)


def coco_instance_empty_results(tmp):
    path = tmp / 'results.json'
    path.write_text('[]')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        ap = evaluate_coco_instance(_coco_gt(tmp), str(path))['AP']
    assert ap == 0
    return f'{type(caught[0].message).__name__}: {caught[0].message}'


def ytvis_nan_score(tmp):
    return error_of(evaluate_ytvis, *_ytvis_files(tmp, score=float('nan')))


def coco_instance_uncompressed_rle(tmp):
    flat = MASK.flatten(order='F').astype(int)
    change = np.flatnonzero(np.diff(np.concatenate([[0], flat, [1 - flat[-1]]])))
    counts = np.diff(np.concatenate([[0], change])).tolist()
    ap = evaluate_coco_instance(_coco_gt(tmp), _coco_results(tmp, {'size': [H, W], 'counts': counts}))['AP']
    return f'accepted (COCO uncompressed RLE): AP {ap:.1f}'


def coco_instance_string_segmentation(tmp):
    return error_of(evaluate_coco_instance, _coco_gt(tmp), _coco_results(tmp, 'polygon?'))


SUM = 'RLE counts sum to {}, expected height x width = 10 x 10 = 100'
CASES = [
    Case(3, 'YT-VIS GT RLE whose counts do not sum to H x W (`tools/eval.py ytvis`)',
         'error: DIR/gt.json: annotations[0]: frame 1 of video 1: ' + SUM.format(5), ytvis_gt_rle_short),
    Case(3, 'YT-VIS prediction RLE encoded for a taller mask (`tools/eval.py ytvis`)',
         'error: DIR/results.json: result [0]: frame 1 of video 1: ' + SUM.format(110), ytvis_pred_rle_long),
    Case(3, 'garbage RLE counts in instance results (`tools/eval.py coco_instance`)',
         "error: DIR/results.json: result [1] (image_id 1): RLE counts contain 'z' at character 0; "
         "compressed counts use only '0'..'o'", coco_instance_garbage_rle),
    Case(3, 'garbage RLE counts in the instance GT (`tools/eval.py coco_instance`)',
         "error: DIR/instances.json: annotation id=7 (image_id 1): RLE counts contain 'z' at character 0; "
         "compressed counts use only '0'..'o'", coco_instance_gt_garbage_rle),
    Case(6, 'NaN score in instance results',
         'DIR/results.json: result [1] has score nan; expected a finite number >= 0',
         coco_instance_nan_score),
    Case(6, 'negative score in instance results',
         'DIR/results.json: result [1] has score -1; expected a finite number >= 0',
         coco_instance_negative_score),
    Case(6, 'RLE counts written as `str(bytes)` ("bytes-repr") in instance results',
         'DIR/results.json: result [1] (image_id 1): RLE counts "b\'0280000000"... are the repr of a bytes '
         "object; write counts.decode('ascii') instead of str(counts)", coco_instance_bytes_repr_counts),
    Case(6, 'empty instance result list',
         'UserWarning: DIR/results.json: the result list is empty; every AP and AR is 0',
         coco_instance_empty_results),
    Case(6, 'NaN score in YT-VIS results',
         'DIR/results.json: result [0] has score nan; expected a finite number >= 0', ytvis_nan_score),
    Case(8, 'uncompressed RLE (`counts` a list) in instance results',
         'accepted (COCO uncompressed RLE): AP 100.0', coco_instance_uncompressed_rle),
    Case(8, 'bare-string segmentation in instance results',
         'DIR/results.json: result [1] (image_id 1): segmentation is a string; expected polygons (a list of '
         '[x1, y1, ...]) or an RLE dict with "size" and "counts"', coco_instance_string_segmentation),
]
