"""YouTube-VIS video AP: hand-computed video IoU cases and parity with the ytvoseval algorithm."""
import contextlib
import io

import numpy as np
import pytest
from eval_fixtures import box_mask, categories, write_ytvis_gt, write_ytvis_results

from seg.evaluation.functional.fileio import EvalInputError
from seg.evaluation.functional.instance_ap import COCO_STAT_KEYS
from seg.evaluation.functional.ytvis_ap import evaluate_ytvis, video_iou

H = W = 10
CATS = categories({1: 1, 2: 1})
A = box_mask(H, W, 0, 2, 0, 5)    # area 10
B = box_mask(H, W, 5, 7, 0, 5)    # area 10, disjoint from A


def _enc(masks):
    from pycocotools import mask as mask_utils
    return [None if m is None else mask_utils.encode(np.asfortranarray(m.astype(np.uint8))) for m in masks]


def test_video_iou_sums_over_frames_and_skips_empty_frames():
    # frame 2: GT absent, prediction present -> its area adds to the union only
    assert video_iou([_enc([A, A, A])], [_enc([A, A, None])])[0, 0] == pytest.approx(20 / 30)
    # frames where both are absent are skipped
    assert video_iou([_enc([None, A])], [_enc([None, A])])[0, 0] == pytest.approx(1)
    # object disappears in the prediction only
    assert video_iou([_enc([A, None])], [_enc([A, A])])[0, 0] == pytest.approx(0.5)
    assert video_iou([_enc([A, B])], [_enc([B, B])])[0, 0] == pytest.approx(10 / 30)
    assert video_iou([], [_enc([A])]).shape == (0, 1)


def _files(tmp_path, tracks, results, length=2):
    gt = write_ytvis_gt(str(tmp_path / 'gt.json'), [(1, H, W, length)], tracks, CATS)
    res = write_ytvis_results(str(tmp_path / 'results.json'), results)
    return gt, res


def test_perfect_and_appearing_object(tmp_path):
    gt, res = _files(tmp_path, [(1, 1, [A, A, None], 0)], [(1, 1, 0.9, [A, A, None])], length=3)
    result = evaluate_ytvis(gt, res)
    assert result['AP'] == pytest.approx(100) and result['AR1'] == pytest.approx(100)
    assert result['APs'] == pytest.approx(100) and result['APm'] == -1
    gt, res = _files(tmp_path, [(1, 1, [A, A, None], 0)], [(1, 1, 0.9, [A, A, A])], length=3)
    result = evaluate_ytvis(gt, res)   # IoU 2/3: thresholds .50 .55 .60 .65 pass
    assert result['AP50'] == pytest.approx(100) and result['AP75'] == 0
    assert result['AP'] == pytest.approx(40)


def test_identity_switch_is_not_matched(tmp_path):
    tracks = [(1, 1, [A, A], 0), (1, 1, [B, B], 0)]
    gt, res = _files(tmp_path, tracks, [(1, 1, 0.9, [A, B]), (1, 1, 0.8, [B, A])])
    assert evaluate_ytvis(gt, res)['AP'] == 0
    gt, res = _files(tmp_path, tracks, [(1, 1, 0.9, [A, A]), (1, 1, 0.8, [B, B])])
    result = evaluate_ytvis(gt, res)
    assert result['AP'] == pytest.approx(100) and result['AR1'] == pytest.approx(50)


def test_wrong_category_and_missing_track(tmp_path):
    gt, res = _files(tmp_path, [(1, 1, [A, A], 0), (1, 2, [B, B], 0)], [(1, 1, 0.9, [A, A])])
    result = evaluate_ytvis(gt, res)
    assert result['AP'] == pytest.approx(50)   # category 1 AP 100, category 2 AP 0


def test_malformed_results_name_the_record(tmp_path):
    gt, res = _files(tmp_path, [(1, 1, [A, A], 0)], [(1, 1, 0.9, [A])])
    with pytest.raises(EvalInputError, match=r'result \[0\]: 1 segmentations for video 1 of length 2'):
        evaluate_ytvis(gt, res)
    gt, res = _files(tmp_path, [(1, 1, [A, A], 0)], [(3, 1, 0.9, [A, A])])
    with pytest.raises(EvalInputError, match=r'result \[0\] has unknown video_id 3'):
        evaluate_ytvis(gt, res)
    gt, res = _files(tmp_path, [(1, 1, [A, A], 0)], [(1, 1, 0.9, [A, np.zeros((4, 4), bool)])])
    with pytest.raises(EvalInputError, match=r'frame 1 of video 1: RLE size \[4, 4\] differs'):
        evaluate_ytvis(gt, res)


def _random_tracks(rng, num_videos=3, length=4):
    tracks, results = [], []
    for vid in range(1, num_videos + 1):
        for _ in range(3):
            cat = int(rng.integers(1, 3))
            y, x = rng.integers(0, 6, 2)
            masks = [box_mask(H, W, y, y + 4, x, x + 4) if rng.random() < 0.8 else None
                     for _ in range(length)]
            masks[0] = masks[0] if masks[0] is not None else box_mask(H, W, 0, 1, 0, 1)
            tracks.append((vid, cat, masks, int(rng.random() < 0.1)))
            for _ in range(2):
                noisy = [np.roll(m, int(rng.integers(-1, 2)), axis=1) if m is not None and rng.random() < 0.9
                         else None for m in masks]
                results.append((vid, cat if rng.random() < 0.8 else 3 - cat, float(rng.random()), noisy))
    return [(vid, H, W, length) for vid in range(1, num_videos + 1)], tracks, results


def test_matches_ytvoseval_reference_algorithm(tmp_path, monkeypatch):
    """Same numbers as the YouTube-VIS cocoapi fork (mmdet's verbatim port, with np.float restored)."""
    from mmdet.evaluation.functional.ytvis import YTVIS
    from mmdet.evaluation.functional.ytviseval import YTVISeval
    monkeypatch.setattr(np, 'float', float, raising=False)
    videos, tracks, results = _random_tracks(np.random.default_rng(3))
    gt = write_ytvis_gt(str(tmp_path / 'gt.json'), videos, tracks, CATS)
    res = write_ytvis_results(str(tmp_path / 'results.json'), results)
    with contextlib.redirect_stdout(io.StringIO()):
        ref_gt = YTVIS(gt)
        ref = YTVISeval(ref_gt, ref_gt.loadRes(res), 'segm')
        ref.evaluate()
        ref.accumulate()
        ref.summarize()
    ours = evaluate_ytvis(gt, res)
    expected = {k: (100 * v if v >= 0 else -1.0) for k, v in zip(COCO_STAT_KEYS, ref.stats)}
    assert ours == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert 0 < ours['AP'] < 100
