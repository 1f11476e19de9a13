"""Mask pooling and the open-vocabulary ensemble on hand-made inputs."""
import math

import torch

from seg.models.utils import ensemble_open_vocab_logits, mask_pool


def test_mask_pool_averages_inside_positive_logits_and_resizes():
    features = torch.arange(16.0).view(1, 1, 4, 4)
    masks = torch.full((1, 2, 4, 4), -1.0)
    masks[0, 0, :2, :2] = 1.0  # values 0, 1, 4, 5
    pooled = mask_pool(features, masks)
    assert pooled.shape == (1, 2, 1)
    assert torch.allclose(pooled[0, 0], torch.tensor([2.5]))
    assert pooled[0, 1].abs().sum() == 0  # empty mask pools to zero
    small = torch.tensor([[[[1.0, -1.0], [-1.0, -1.0]]]])  # 2x2 -> upsampled to the top-left quarter
    assert torch.allclose(mask_pool(features, small)[0, 0], torch.tensor([2.5]))


def test_open_vocab_ensemble_matches_hand_computation():
    query_logits = torch.log(torch.tensor([[[0.6, 0.2, 0.2]]]))  # 2 classes + background
    clip_logits = torch.log(torch.tensor([[[0.2, 0.6, 0.2]]]))
    seen = torch.tensor([True, False])
    out = ensemble_open_vocab_logits(query_logits, clip_logits, torch.tensor([[True]]), seen, 0.4, 0.8)
    pq, pc = [0.75, 0.25], [0.25, 0.75]  # class probabilities without background
    s0 = pq[0] ** 0.6 * pc[0] ** 0.4
    s1 = pq[1] ** 0.2 * pc[1] ** 0.8
    expected = [s0 / (s0 + s1) * 0.8, s1 / (s0 + s1) * 0.8, 0.2]
    assert torch.allclose(out.exp()[0, 0], torch.tensor(expected), atol=1e-5)


def test_open_vocab_ensemble_ignores_clip_for_empty_masks():
    query_logits = torch.tensor([[[2.0, 0.0, 1.0]]])
    clip_logits = torch.tensor([[[0.0, 5.0, 0.0]]])
    valid, seen = torch.tensor([[False]]), torch.tensor([True, False])
    out = ensemble_open_vocab_logits(query_logits, clip_logits, valid, seen)
    expected = torch.softmax(query_logits, -1)
    assert torch.allclose(out.exp(), expected, atol=1e-5)
    assert math.isclose(out.exp().sum().item(), 1.0, abs_tol=1e-5)
