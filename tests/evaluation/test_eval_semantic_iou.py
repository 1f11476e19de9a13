"""Semantic mIoU / aAcc: hand-computed confusion cases and the folder evaluator."""
import numpy as np
import pytest
from eval_fixtures import write_label_pngs

from seg.evaluation.functional.fileio import EvalInputError
from seg.evaluation.functional.semantic_iou import (
    evaluate_semantic_folders,
    semantic_confusion,
    semantic_summary,
)

LABEL = np.array([[0, 0, 1, 1], [255, 1, 2, 2]])
PRED = np.array([[0, 1, 1, 1], [0, 1, 2, 0]])
EXPECTED_MIOU = 100 * (1 / 3 + 3 / 4 + 1 / 2) / 3


def test_hand_computed_iou_and_accuracy():
    summary = semantic_summary(semantic_confusion(PRED, LABEL, 3))
    assert summary['per_class_IoU'] == pytest.approx([100 / 3, 75, 50])
    assert summary['mIoU'] == pytest.approx(EXPECTED_MIOU)
    assert summary['aAcc'] == pytest.approx(100 * 5 / 7)


def test_absent_class_is_excluded_and_perfect_is_100():
    summary = semantic_summary(semantic_confusion(PRED, LABEL, 4))
    assert np.isnan(summary['per_class_IoU'][3]) and summary['mIoU'] == pytest.approx(EXPECTED_MIOU)
    perfect = semantic_summary(semantic_confusion(LABEL, LABEL, 3))
    assert perfect['mIoU'] == pytest.approx(100) and perfect['aAcc'] == pytest.approx(100)


def test_out_of_range_prediction_is_a_miss_and_ignore_index_is_configurable():
    summary = semantic_summary(semantic_confusion(np.array([[7, 0]]), np.array([[0, 0]]), 2))
    assert summary['mIoU'] == pytest.approx(50) and summary['aAcc'] == pytest.approx(50)
    summary = semantic_summary(semantic_confusion(np.array([[1, 0]]), np.array([[0, 0]]), 2, ignore_index=0))
    assert summary['aAcc'] == 0   # everything ignored


def test_bad_labels_and_shapes_are_rejected():
    with pytest.raises(EvalInputError, match=r'x.png: ground-truth labels \[5\]'):
        semantic_confusion(np.zeros((1, 2)), np.array([[5, 0]]), 3, record='x.png')
    with pytest.raises(EvalInputError, match='shape'):
        semantic_confusion(np.zeros((1, 3)), np.zeros((1, 2)), 3)


def test_folders(tmp_path):
    gt = write_label_pngs(str(tmp_path / 'gt'), {'a.png': LABEL, 'b.png': LABEL})
    pred = write_label_pngs(str(tmp_path / 'pred'), {'a.png': PRED, 'b.png': LABEL})
    result = evaluate_semantic_folders(gt, pred, 3, progress=False)
    expected = semantic_summary(semantic_confusion(PRED, LABEL, 3) + semantic_confusion(LABEL, LABEL, 3))
    assert result['mIoU'] == pytest.approx(expected['mIoU'])
    assert result['aAcc'] == pytest.approx(100 * 12 / 14)
    (tmp_path / 'pred' / 'b.png').unlink()
    with pytest.raises(EvalInputError, match='b.png: missing prediction'):
        evaluate_semantic_folders(gt, pred, 3, progress=False)
