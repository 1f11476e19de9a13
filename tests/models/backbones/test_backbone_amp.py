"""The frozen CLIP backbone under AMP: no autograd graph, convolutions / linears in bf16."""
import torch

from tests.models.model_test_utils import build_toy_model


def test_frozen_backbone_runs_without_grad_in_bf16_under_autocast():
    backbone = build_toy_model().train().backbone
    image = torch.randn(1, 3, 64, 64)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        feats = backbone(image)
    assert all(f.grad_fn is None and not f.requires_grad for f in feats)
    with torch.no_grad():
        reference = backbone(image)
    # stage outputs come out of a fp32 residual add (autocast keeps LayerNorm in fp32), but the convs and
    # MLP linears ran in bf16: the values differ from fp32, by what bf16's ~3 significant digits allow
    for half, full in zip(feats, reference):
        assert not torch.equal(half.float(), full)
        assert (half.float() - full).abs().max() <= 0.05 * full.abs().max()
