"""NoC and mIoU after k clicks on hand-computed IoU curves; the metric's click / box keys."""
import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData

from seg.evaluation.functional.fileio import EvalInputError
from seg.evaluation.functional.interactive_clicks import clicks_to_reach, miou_after_clicks, number_of_clicks
from seg.evaluation.metrics import InteractiveIoUMetric

CURVES = np.array([[0.5, 0.86, 0.95], [0.9, 0.9, 0.9], [0.1, 0.2, 0.3]])


def test_clicks_to_reach_counts_from_one_and_caps_at_twenty():
    assert clicks_to_reach(CURVES, 0.85).tolist() == [2, 1, 20]
    assert clicks_to_reach(CURVES, 0.90).tolist() == [3, 1, 20]
    assert clicks_to_reach(CURVES, 0.85, max_clicks=2).tolist() == [2, 1, 2]


def test_noc_and_miou_after_k_clicks_over_images():
    per_image = [CURVES[:2], CURVES[2:]]
    assert number_of_clicks(per_image, 0.85) == pytest.approx(23 / 3)
    assert number_of_clicks(per_image, 0.90) == pytest.approx(8.0)
    assert miou_after_clicks(per_image, 1) == pytest.approx(50.0)
    assert miou_after_clicks(per_image, 3) == pytest.approx(100 * 2.15 / 3)
    assert number_of_clicks([], 0.85) == 0.0
    with pytest.raises(EvalInputError, match='after 4 clicks needs curves of >= 4 clicks, got 3'):
        miou_after_clicks(per_image, 4)


def test_metric_reports_click_and_box_numbers():
    metric = InteractiveIoUMetric(clicks_at=(1, 3, 5))
    gt = np.zeros((3, 2, 2), bool)
    gt[:, 0] = True
    pred = InstanceData(masks=torch.from_numpy(gt.copy()), click_ious=torch.from_numpy(CURVES),
                        box_ious=torch.tensor([1.0, 0.5, 0.0]))
    metric.process({}, [dict(gt_instances=dict(masks=gt), pred_instances=pred)])
    metrics = metric.compute_metrics(metric.results)
    assert metrics['mIoU'] == pytest.approx(100.0) and metrics['num_prompts'] == 3
    assert metrics['mIoU@1'] == pytest.approx(50.0) and 'mIoU@5' not in metrics  # curves of 3 clicks
    assert metrics['NoC@85'] == pytest.approx(23 / 3) and metrics['NoC@90'] == pytest.approx(8.0)
    assert metrics['box_mIoU'] == pytest.approx(50.0)
