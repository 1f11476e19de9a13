"""VPQ windows and STQ: hand-computed tube cases (identity switches, appearing objects, void, crowd)."""
import math

import numpy as np
import pytest
from eval_fixtures import THING, categories, write_vipseg

from seg.evaluation.functional.fileio import EvalInputError
from seg.evaluation.functional.stq import STQAccumulator
from seg.evaluation.functional.video_panoptic_quality import frame_counts, vpq_stats_video, vpq_summary
from seg.evaluation.functional.vipseg import evaluate_vps

CAT_LIST = categories({1: THING, 2: 0})
CATS = {c['id']: c for c in CAT_LIST}
# 2 x 4 frames: left half = thing, right half = stuff
LEFT = np.array([[1, 1, 2, 2], [1, 1, 2, 2]])


def _frame(thing_id, stuff_id=2, thing_cat=1, thing_on=True):
    ids = np.where(LEFT == 1, thing_id if thing_on else stuff_id, stuff_id)
    segs = {stuff_id: {'category_id': 2, 'iscrowd': 0}}
    if thing_on:
        segs[thing_id] = {'category_id': thing_cat, 'iscrowd': 0}
    return ids, segs


def _vpq(gt_frames, pred_frames, windows=(1, 2)):
    counts = [frame_counts(g[0], g[1], p[0], p[1], CATS, f'frame {i}')
              for i, (g, p) in enumerate(zip(gt_frames, pred_frames))]
    return vpq_summary(vpq_stats_video(counts, windows), CATS)


def test_perfect_video_is_100_and_short_videos_give_zero_for_long_windows():
    frames = [_frame(1)] * 3
    result = _vpq(frames, frames, windows=(1, 2, 4))
    assert result['VPQ@1'] == pytest.approx(100) and result['VPQ@2'] == pytest.approx(100)
    assert result['VPQ@4'] == 0   # no window of 4 frames in a 3-frame video: every category is 0
    assert result['VPQ'] == pytest.approx(200 / 3)


def test_identity_switch_drops_multi_frame_windows_only():
    gt = [_frame(1), _frame(1)]
    pred = [_frame(5), _frame(6)]   # same pixels, new track id in frame 2
    result = _vpq(gt, pred)
    assert result['VPQ_th@1'] == pytest.approx(100)
    # window of 2: GT tube 8 px vs prediction tubes of 4 px -> IoU 0.5, not a match
    assert result['VPQ_th@2'] == 0 and result['VPQ_st@2'] == pytest.approx(100)
    assert result['VPQ@2'] == pytest.approx(50)


def test_object_appearing_later_and_spurious_prediction():
    gt = [_frame(1, thing_on=False), _frame(1)]
    assert _vpq(gt, gt)['VPQ'] == pytest.approx(100)
    pred = [_frame(1), _frame(1)]   # thing predicted before it appears
    result = _vpq(gt, pred)
    # k=1: frame 0 -> thing FP and stuff IoU 4/8 (FP + FN); frame 1 perfect
    assert result['VPQ_th@1'] == pytest.approx(100 * 1 / 1.5)
    assert result['VPQ_st@1'] == pytest.approx(100 * 1 / 2)
    # k=2: thing tube IoU 4/8 -> no match; stuff tube (12 px GT, 8 px pred) IoU 8/12 matched
    assert result['VPQ_th@2'] == 0 and result['VPQ_st@2'] == pytest.approx(100 * 8 / 12)


def test_void_is_excluded_from_the_union():
    gt_ids = np.where(LEFT == 1, 0, 2)          # thing region is void in GT
    gt = [(gt_ids, {2: {'category_id': 2, 'iscrowd': 0}})]
    pred = [(np.full((2, 4), 2), {2: {'category_id': 2, 'iscrowd': 0}})]
    assert _vpq(gt, pred, windows=(1,))['VPQ_st@1'] == pytest.approx(100)


def _stq(frames, num_classes=2, things=(0,), reference=False):
    acc = STQAccumulator(num_classes=num_classes, thing_classes=things, ignore_label=255,
                         reference_thing_mask=reference)
    for seq, gs, gi, ps, pi in frames:
        acc.update(seq, *(np.array(a) for a in (gs, gi, ps, pi)))
    return acc.result()


SEM = [[0, 0, 1, 1]]
INST = [[1, 1, 0, 0]]


def test_stq_perfect_and_identity_switch():
    assert _stq([('a', SEM, INST, SEM, INST)] * 2)['STQ'] == pytest.approx(1)
    result = _stq([('a', SEM, INST, SEM, INST), ('a', SEM, INST, SEM, [[2, 2, 0, 0]])])
    # one GT tube of 4 px vs two predicted tubes of 2 px: AQ = (2*2/4 + 2*2/4) / 4 = 0.5
    assert result['AQ'] == pytest.approx(0.5) and result['IoU'] == pytest.approx(1)
    assert result['STQ'] == pytest.approx(math.sqrt(0.5))


def test_stq_semantic_iou_with_void():
    result = _stq([('a', SEM, INST, [[0, 1, 1, 1]], [[1, 0, 0, 0]])])
    assert result['IoU'] == pytest.approx((1 / 2 + 2 / 3) / 2)
    assert _stq([('a', [[255, 0]], [[0, 1]], [[1, 0]], [[0, 1]])])['IoU'] == pytest.approx(1)
    # a predicted void pixel on class 0: the void column is a class with IoU 0 (as in DeepLab2)
    assert _stq([('a', [[0, 0]], [[1, 1]], [[255, 0]], [[0, 1]])])['IoU'] == pytest.approx(0.25)


def test_stq_crowd_ignored_and_sequences_averaged_by_tubes():
    result = _stq([('a', [[0, 0]], [[0, 1]], [[0, 0]], [[3, 1]])])   # crowd pixel ignored for AQ
    assert result['AQ'] == pytest.approx(1)
    result = _stq([('a', SEM, INST, SEM, INST), ('b', SEM, INST, SEM, [[1, 2, 0, 0]])])
    assert result['AQ_per_seq'] == pytest.approx({'a': 1.0, 'b': 0.5})
    assert result['AQ'] == pytest.approx(0.75)


def test_stq_prediction_thing_mask_from_prediction_semantics():
    gt_sem, gt_inst = [[0, 0, 0, 0, 1, 1, 1, 1]], [[1, 1, 1, 1, 0, 0, 0, 0]]
    pred_sem, pred_inst = [[0] * 8], [[1] * 8]   # thing tube spills over the GT stuff
    fixed = _stq([('a', gt_sem, gt_inst, pred_sem, pred_inst)])
    reference = _stq([('a', gt_sem, gt_inst, pred_sem, pred_inst)], reference=True)
    assert fixed['AQ'] == pytest.approx(0.5)        # predicted tube has 8 px, TPA 4
    assert reference['AQ'] == pytest.approx(1.0)    # OMG-Seg's defect: only pixels inside GT things
    with pytest.raises(EvalInputError, match=r'f7 \(prediction\): semantic labels \[9\]'):
        STQAccumulator(num_classes=2, thing_classes=[0]).update('a', np.zeros((1, 1)), np.zeros((1, 1)),
                                                                 np.full((1, 1), 9), np.zeros((1, 1)), 'f7')


def _vipseg_files(tmp_path, pred_frames):
    gt_frames = [(f[0], {k: (v['category_id'], 0) for k, v in f[1].items()}) for f in
                 [_frame(1), _frame(1), _frame(1)]]
    pred = [(f[0], {k: (v['category_id'], 0) for k, v in f[1].items()}) for f in pred_frames]
    gt_json = write_vipseg(str(tmp_path / 'VIPSeg'), {'v1': gt_frames}, CAT_LIST)
    pred_dir = write_vipseg(str(tmp_path / 'sub'), {'v1': pred}, CAT_LIST, pred=True)
    return gt_json, pred_dir


def test_vipseg_files_end_to_end(tmp_path):
    gt_json, pred_dir = _vipseg_files(tmp_path, [_frame(7), _frame(7), _frame(8)])
    result = evaluate_vps(gt_json, pred_dir, windows=(1, 2), progress=False)
    # k=1 perfect; k=2: windows (0,1) perfect, (1,2) thing switch -> thing 1 TP, 1 FN, 2 FP
    assert result['VPQ@1'] == pytest.approx(100)
    assert result['VPQ_th@2'] == pytest.approx(100 * 1 / (1 + 0.5 + 1))
    # STQ: GT tube 12 px; predicted tubes 8 px and 4 px -> AQ = (8*8/12 + 4*4/12) / 12
    assert result['AQ'] == pytest.approx(100 * (64 / 12 + 16 / 12) / 12)
    assert result['IoU'] == pytest.approx(100)


def test_vipseg_malformed_input(tmp_path):
    gt_json, pred_dir = _vipseg_files(tmp_path, [_frame(7), _frame(7)])
    with pytest.raises(EvalInputError, match="video 'v1' has no prediction for frame 00000002.png"):
        evaluate_vps(gt_json, pred_dir, progress=False)
    ids, segs = _frame(7)
    del segs[7]
    gt_json, pred_dir = _vipseg_files(tmp_path, [(ids, segs)] * 3)
    message = r"00000000.png \(video 'v1', frame 00000000.png\): segment id 7"
    with pytest.raises(EvalInputError, match=message):
        evaluate_vps(gt_json, pred_dir, progress=False)
