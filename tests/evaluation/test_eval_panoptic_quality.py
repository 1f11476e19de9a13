"""Panoptic quality: hand-computed cases and parity with panopticapi's pq_compute."""
import json
import os

import numpy as np
import pytest
from eval_fixtures import THING, categories, id_to_rgb, write_coco_panoptic
from panopticapi.evaluation import pq_compute
from PIL import Image

from seg.evaluation.functional.coco_panoptic import evaluate_coco_panoptic
from seg.evaluation.functional.fileio import EvalInputError
from seg.evaluation.functional.panoptic_quality import pq_stat_single, pq_summary

CATS = {c['id']: c for c in categories({1: THING, 2: THING, 3: 0})}


def _segs(spec):
    """{id: (cat, crowd)} -> {id: info} with areas left to be filled by the caller."""
    return {k: {'id': k, 'category_id': c, 'iscrowd': crowd} for k, (c, crowd) in spec.items()}


def _gt(ids, spec):
    segs = _segs(spec)
    for k in segs:
        segs[k]['area'] = int((ids == k).sum())
    return segs


def _stat(gt_ids, gt_spec, pred_ids, pred_spec):
    gt_ids, pred_ids = np.array([gt_ids]), np.array([pred_ids])
    return pq_stat_single(gt_ids, pred_ids, _gt(gt_ids, gt_spec), _segs(pred_spec), CATS)


def test_perfect_prediction_is_100():
    ids = np.array([1] * 4 + [2] * 6)
    stat = _stat(ids, {1: (1, 0), 2: (3, 0)}, ids, {1: (1, 0), 2: (3, 0)})
    summary = pq_summary(stat, CATS)
    assert summary['PQ'] == pytest.approx(100) and summary['N'] == 2
    assert summary['PQ_th'] == pytest.approx(100) and summary['PQ_st'] == pytest.approx(100)


def test_partial_overlap_above_and_at_half():
    gt = [1] * 10
    stat = _stat(gt, {1: (1, 0)}, [5] * 6 + [0] * 4, {5: (1, 0)})
    assert (stat[1].tp, stat[1].fp, stat[1].fn) == (1, 0, 0)
    assert stat[1].iou == pytest.approx(0.6)
    # IoU exactly 0.5 is not a match: one FP and one FN
    stat = _stat(gt, {1: (1, 0)}, [5] * 5 + [0] * 5, {5: (1, 0)})
    assert (stat[1].tp, stat[1].fp, stat[1].fn) == (0, 1, 1)
    assert pq_summary(stat, CATS)['PQ'] == 0


def test_union_excludes_prediction_overlap_with_void():
    # GT: 4 void + 6 cat-1 pixels; prediction covers 8 pixels incl. 4 void ones -> IoU = 4/6
    stat = _stat([0] * 4 + [1] * 6, {1: (1, 0)}, [5] * 8 + [0] * 2, {5: (1, 0)})
    assert stat[1].tp == 1 and stat[1].iou == pytest.approx(4 / 6)


def test_crowd_is_never_matched_and_shields_same_class_false_positives():
    gt = [1] * 6 + [2] * 4
    # pred 7 lies in the cat-1 crowd -> ignored; pred 8 (cat 2) on the crowd -> FP of cat 2
    pred = [7] * 4 + [8] * 2 + [0] * 4
    stat = _stat(gt, {1: (1, 1), 2: (1, 0)}, pred, {7: (1, 0), 8: (2, 0)})
    assert (stat[1].tp, stat[1].fp, stat[1].fn) == (0, 0, 1)
    assert (stat[2].tp, stat[2].fp, stat[2].fn) == (0, 1, 0)


def test_missing_and_extra_segments_and_wrong_class():
    gt = [1] * 5 + [2] * 5
    pred = [1] * 5 + [9] * 5   # segment 2 (cat 3) predicted as cat 2
    stat = _stat(gt, {1: (1, 0), 2: (3, 0)}, pred, {1: (1, 0), 9: (2, 0)})
    summary = pq_summary(stat, CATS)
    assert (stat[3].fn, stat[2].fp) == (1, 1)
    # cat 1: PQ 1; cat 2: 0 (FP only); cat 3: 0 (FN only)
    assert summary['PQ'] == pytest.approx(100 / 3)
    assert summary['RQ_th'] == pytest.approx(50) and summary['PQ_st'] == 0


def test_prediction_sanity_errors_name_the_record():
    ids = np.array([[1, 1, 2, 2]])
    gt = _gt(ids, {1: (1, 0), 2: (3, 0)})
    with pytest.raises(EvalInputError, match='img7.*segment id 2 is in the PNG but not in the JSON'):
        pq_stat_single(ids, ids, gt, _segs({1: (1, 0)}), CATS, record='img7')
    with pytest.raises(EvalInputError, match=r'segment ids \[3\] are in the JSON'):
        pq_stat_single(ids, ids, gt, _segs({1: (1, 0), 2: (3, 0), 3: (1, 0)}), CATS, record='img7')
    with pytest.raises(EvalInputError, match='unknown category_id 42'):
        pq_stat_single(ids, ids, gt, _segs({1: (1, 0), 2: (42, 0)}), CATS, record='img7')
    with pytest.raises(EvalInputError, match='size'):
        pq_stat_single(ids, ids[:, :3], gt, _segs({1: (1, 0)}), CATS, record='img7')


def _random_panoptic(rng, h=12, w=16):
    """A blocky random panoptic map with things, stuff, crowd and void; and a perturbed prediction."""
    gt = np.zeros((h, w), np.int64)
    spec, next_id = {}, 1
    for y in range(0, h, 4):
        for x in range(0, w, 4):
            if rng.random() < 0.1:
                continue   # void block
            cat = int(rng.integers(1, 4))
            if cat == 3 and any(c == 3 for c, _ in spec.values()):
                seg = next(k for k, (c, _) in spec.items() if c == 3)
            else:
                seg, next_id = next_id, next_id + 1
                spec[seg] = (cat, int(cat != 3 and rng.random() < 0.15))
            gt[y:y + 4, x:x + 4] = seg
    pred = np.roll(gt, int(rng.integers(0, 2)), axis=1) * 3 + 100
    pred[gt == 0] = np.where(rng.random((gt == 0).sum()) < 0.5, 0, pred[gt == 0])
    pred[rng.random(pred.shape) < 0.1] = 0
    pred_spec = {}
    for k in np.unique(pred).tolist():
        if k == 0:
            continue
        cat = spec.get((k - 100) // 3, (1, 0))[0]
        pred_spec[k] = (cat if rng.random() < 0.8 else int(rng.integers(1, 4)), 0)
    return gt, {k: v for k, v in spec.items() if (gt == k).any()}, pred, pred_spec


def test_files_match_panopticapi_pq_compute(tmp_path):
    rng = np.random.default_rng(0)
    gt_images, pred_images = [], []
    for image_id in range(1, 6):
        gt, spec, pred, pred_spec = _random_panoptic(rng)
        gt_images.append((image_id, gt, spec))
        pred_images.append((image_id, pred, pred_spec))
    cats = list(CATS.values())
    gt_json = write_coco_panoptic(str(tmp_path), 'gt', gt_images, cats)
    pred_json = write_coco_panoptic(str(tmp_path), 'pred', pred_images, cats)
    ours = evaluate_coco_panoptic(gt_json, pred_json, progress=False)
    ref = pq_compute(gt_json, pred_json)
    for suffix, name in (('', 'All'), ('_th', 'Things'), ('_st', 'Stuff')):
        for key in ('pq', 'sq', 'rq'):
            assert ours[key.upper() + suffix] == pytest.approx(100 * ref[name][key], rel=1e-12, abs=1e-12)
        assert ours['N' + suffix] == ref[name]['n']
    for cat, res in ref['per_class'].items():
        assert ours['per_class'][cat]['PQ'] == pytest.approx(100 * res['pq'], rel=1e-12, abs=1e-12)
    assert 0 < ours['PQ'] < 100


def test_file_errors_unknown_image_and_size_mismatch(tmp_path):
    ids = np.ones((4, 4), np.int64)
    cats = list(CATS.values())
    gt_json = write_coco_panoptic(str(tmp_path), 'gt', [(1, ids, {1: (1, 0)})], cats)
    pred_json = write_coco_panoptic(str(tmp_path), 'pred', [(2, ids, {1: (1, 0)})], cats)
    with pytest.raises(EvalInputError, match=r'pred.json: annotations\[0\] has unknown image_id 2'):
        evaluate_coco_panoptic(gt_json, pred_json, progress=False)
    pred_json = write_coco_panoptic(str(tmp_path), 'pred', [(1, ids, {1: (1, 0)})], cats)
    Image.fromarray(id_to_rgb(np.ones((4, 5), np.int64))).save(os.path.join(tmp_path, 'pred', '000001.png'))
    with pytest.raises(EvalInputError, match=r'000001.png \(image_id 1\).*size'):
        evaluate_coco_panoptic(gt_json, pred_json, progress=False)
    with pytest.raises(EvalInputError, match='PNG folder not found'):
        evaluate_coco_panoptic(gt_json, pred_json, pred_folder=str(tmp_path / 'nope'), progress=False)


def test_gt_folder_override_and_missing_gt_segment(tmp_path):
    ids = np.array([[1, 1], [2, 2]])
    cats = list(CATS.values())
    gt_json = write_coco_panoptic(str(tmp_path), 'gt', [(1, ids, {1: (1, 0), 2: (3, 0)})], cats)
    pred_json = write_coco_panoptic(str(tmp_path), 'pred', [(1, ids, {1: (1, 0), 2: (3, 0)})], cats)
    os.rename(tmp_path / 'gt', tmp_path / 'elsewhere')
    result = evaluate_coco_panoptic(gt_json, pred_json, gt_folder=str(tmp_path / 'elsewhere'), progress=False)
    assert result['PQ'] == pytest.approx(100)
    data = json.load(open(gt_json))
    data['annotations'][0]['segments_info'].pop()
    json.dump(data, open(gt_json, 'w'))
    with pytest.raises(EvalInputError, match=r'GT segment ids \[2\] are in the PNG but not in the JSON'):
        evaluate_coco_panoptic(gt_json, pred_json, gt_folder=str(tmp_path / 'elsewhere'), progress=False)
