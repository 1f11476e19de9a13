"""COCO instance mask AP: hand-computed precision/recall cases."""
import numpy as np
import pytest
from eval_fixtures import box_mask, rle

from seg.evaluation.functional.fileio import EvalInputError
from seg.evaluation.functional.instance_ap import evaluate_coco_instance

H = W = 20


def _gt(masks):
    anns = [{'id': i + 1, 'image_id': 1, 'category_id': 1, 'segmentation': rle(m), 'area': int(m.sum()),
             'bbox': [0, 0, 1, 1], 'iscrowd': 0} for i, m in enumerate(masks)]
    return {'images': [{'id': 1, 'height': H, 'width': W}], 'annotations': anns,
            'categories': [{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b'}]}


def _res(mask, score, cat=1, image_id=1):
    return {'image_id': image_id, 'category_id': cat, 'segmentation': rle(mask), 'score': score}


A = box_mask(H, W, 0, 5, 0, 5)
B = box_mask(H, W, 10, 15, 10, 15)


def test_perfect_detections_give_100():
    result = evaluate_coco_instance(_gt([A, B]), [_res(A, 0.9), _res(B, 0.8)])
    assert result['AP'] == pytest.approx(100) and result['AP50'] == pytest.approx(100)
    assert result['APs'] == pytest.approx(100)
    assert result['APm'] == -1 and result['APl'] == -1   # no GT in these area ranges
    assert result['AR1'] == pytest.approx(50) and result['AR10'] == pytest.approx(100)


def test_missing_detection_halves_recall():
    result = evaluate_coco_instance(_gt([A, B]), [_res(A, 0.9)])
    assert result['AP'] == pytest.approx(100 * 51 / 101)


def test_false_positive_ranked_first_gives_precision_half():
    result = evaluate_coco_instance(_gt([A]), [_res(B, 0.95), _res(A, 0.9)])
    assert result['AP'] == pytest.approx(50)
    result = evaluate_coco_instance(_gt([A]), [_res(B, 0.5), _res(A, 0.9)])
    assert result['AP'] == pytest.approx(100)


def test_partial_overlap_counts_only_at_low_thresholds():
    shifted = box_mask(H, W, 0, 5, 1, 6)   # IoU = 20 / 30 = 0.667
    result = evaluate_coco_instance(_gt([A]), [_res(shifted, 0.9)])
    assert result['AP50'] == pytest.approx(100) and result['AP75'] == 0
    assert result['AP'] == pytest.approx(100 * 4 / 10)   # thresholds .50, .55, .60, .65


def test_wrong_class_and_empty_results():
    assert evaluate_coco_instance(_gt([A]), [_res(A, 0.9, cat=2)])['AP'] == 0
    with pytest.warns(UserWarning, match='the result list is empty; every AP and AR is 0'):
        assert evaluate_coco_instance(_gt([A]), [])['AP'] == 0


def test_malformed_results_name_the_record():
    with pytest.raises(EvalInputError, match=r'result \[1\] has unknown image_id 7'):
        evaluate_coco_instance(_gt([A]), [_res(A, 0.9), _res(A, 0.9, image_id=7)])
    small = rle(np.zeros((5, 5), bool))
    with pytest.raises(EvalInputError, match=r'result \[0\] \(image_id 1\): RLE size \[5, 5\] differs'):
        evaluate_coco_instance(_gt([A]), [{'image_id': 1, 'category_id': 1, 'segmentation': small,
                                           'score': 1.0}])
