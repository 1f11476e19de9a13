"""Interactive mIoU: per-prompt IoU and the plain mean over prompts."""
import numpy as np
import pytest
from eval_fixtures import box_mask

from seg.evaluation.functional.fileio import EvalInputError
from seg.evaluation.functional.interactive_iou import interactive_miou, prompt_ious


def test_prompt_ious_hand_computed():
    gt = np.stack([box_mask(4, 4, 0, 2, 0, 2), box_mask(4, 4, 0, 4, 0, 4), np.zeros((4, 4), bool)])
    pred = np.stack([box_mask(4, 4, 0, 2, 0, 2), box_mask(4, 4, 0, 2, 0, 4), np.zeros((4, 4), bool)])
    assert prompt_ious(pred, gt) == pytest.approx([1.0, 0.5, 0.0])   # empty vs empty counts as 0


def test_mean_over_all_prompts_of_all_images():
    assert interactive_miou([np.array([1.0, 0.5]), np.array([0.0])]) == pytest.approx(50)
    assert interactive_miou([]) == 0


def test_shape_mismatch_rejected():
    with pytest.raises(EvalInputError, match='differ in shape'):
        prompt_ious(np.zeros((1, 2, 2)), np.zeros((2, 2, 2)))
