"""Hungarian matching with the configured costs, checked against hand-computed cost values."""
import math

import pytest
import torch
from mmdet.registry import TASK_UTILS
from mmengine.config import Config
from mmengine.structures import InstanceData

from seg.models.heads.omg_seg_head import OMGSegHead
from tests.models.model_test_utils import TOY_MODEL_CONFIG


def softplus(x: float) -> float:
    return math.log1p(math.exp(x))


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@pytest.fixture(scope='module')
def assigner_cfg():
    import seg  # noqa: F401
    return Config.fromfile(str(TOY_MODEL_CONFIG)).model.train_cfg.assigner


@pytest.fixture
def predictions():
    # 2 queries, 2 classes + background; 4 sampled points per mask
    probs = torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
    masks = torch.tensor([[2.0, 2.0, -2.0, -2.0], [-2.0, -2.0, 2.0, 2.0]])
    gts = InstanceData(labels=torch.tensor([0, 1]), masks=torch.tensor([[1., 1., 0., 0.], [0., 0., 1., 1.]]))
    return InstanceData(scores=probs.log(), masks=masks), gts


def _expected_costs():
    """Cost matrix (query, gt) from the formulas of MODEL.md §9.2 (weights 2, 5, 5)."""
    cls = [[-2 * 0.7, -2 * 0.2], [-2 * 0.1, -2 * 0.8]]
    bce_match, bce_miss = softplus(-2.0), softplus(2.0)  # mean BCE per point when right / wrong
    s_hi, s_lo = sigmoid(2.0), sigmoid(-2.0)
    dice_match = 1 - (2 * 2 * s_hi + 1) / (2 * s_hi + 2 * s_lo + 2 + 1)
    dice_miss = 1 - (2 * 2 * s_lo + 1) / (2 * s_hi + 2 * s_lo + 2 + 1)
    match = 5 * bce_match + 5 * dice_match
    miss = 5 * bce_miss + 5 * dice_miss
    return torch.tensor([[cls[0][0] + match, cls[0][1] + miss], [cls[1][0] + miss, cls[1][1] + match]])


def test_summed_costs_equal_hand_computation(assigner_cfg, predictions):
    pred, gts = predictions
    costs = [TASK_UTILS.build(c) for c in assigner_cfg.match_costs]
    total = sum(cost(pred, gts) for cost in costs)
    assert torch.allclose(total, _expected_costs(), atol=1e-4)


def test_assignment_minimises_total_cost(assigner_cfg, predictions):
    pred, gts = predictions
    result = TASK_UTILS.build(assigner_cfg).assign(pred, gts)
    assert result.gt_inds.tolist() == [1, 2]  # 1-based gt index per query
    swapped = InstanceData(scores=pred.scores.flip(0), masks=pred.masks.flip(0))
    assert TASK_UTILS.build(assigner_cfg).assign(swapped, gts).gt_inds.tolist() == [2, 1]


def test_head_matching_runs_in_fp32_without_grad():
    from tests.models.model_test_utils import build_toy_model, synthetic_batch
    model = build_toy_model()
    head: OMGSegHead = model.panoptic_head
    data = model.data_preprocessor(synthetic_batch(batch_size=1), True)
    gts = head.preprocess_gt([data['data_samples'][0].gt_instances], [data['data_samples'][0].gt_sem_seg])
    cls = torch.randn(head.num_queries, head.num_classes + 1, dtype=torch.float64, requires_grad=True)
    masks = torch.randn(head.num_queries, 32, 32, dtype=torch.float64, requires_grad=True)
    labels, label_weights, mask_targets, mask_weights, pos, neg, sampling = head._get_targets_single(
        cls, masks, gts[0], data['data_samples'][0].metainfo)
    assert len(pos) == gts[0].labels.numel() == 4  # 2 things + 2 stuff regions
    assert sorted(labels[pos].tolist()) == sorted(gts[0].labels.tolist())
    assert (labels[neg] == head.num_classes).all()
    assert mask_weights.dtype == torch.float32 and mask_weights.sum() == 4
