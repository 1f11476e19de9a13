"""OpenCLIPBackbone: stage features, freezing, CLIP head path, text encoding, offline errors."""
import pytest
import torch

from seg.models.backbones import OpenCLIPBackbone
from seg.models.backbones.open_clip_loading import create_clip_model, ensure_model_config

TINY = 'omgseg_tiny_convnext'


@pytest.fixture(scope='module')
def backbone():
    torch.manual_seed(0)
    return OpenCLIPBackbone(model_name=TINY, keep_text_tower=True)


def test_stage_features_follow_feature_info(backbone):
    feats = backbone(torch.randn(2, 3, 64, 96))
    assert backbone.out_channels == [40, 80, 160, 320]
    assert backbone.strides == [4, 8, 16, 32]
    expected = [(2, 40, 16, 24), (2, 80, 8, 12), (2, 160, 4, 6), (2, 320, 2, 3)]
    assert [tuple(f.shape) for f in feats] == expected
    assert backbone.embed_dim == 64


def test_frozen_backbone_stays_in_eval_and_has_no_grad(backbone):
    backbone.train()
    assert not any(m.training for m in backbone.modules())
    assert not any(p.requires_grad for p in backbone.parameters())
    feats = backbone(torch.randn(1, 3, 32, 32, requires_grad=True))
    assert not feats[-1].requires_grad


def test_unfrozen_backbone_keeps_clip_head_and_fixed_layers_frozen():
    backbone = OpenCLIPBackbone(model_name=TINY, fix=False, fix_layers=[0])
    backbone.train()
    assert backbone.layer2.training and not backbone.layer1.training and not backbone.stem.training
    assert all(p.requires_grad for p in backbone.layer3.parameters())
    assert not any(p.requires_grad for p in backbone.head.parameters())
    assert not any(p.requires_grad for p in backbone.stem.parameters())


def test_state_dict_names_follow_reference_layout(backbone):
    keys = list(backbone.state_dict())
    assert keys[:4] == ['stem.0.weight', 'stem.0.bias', 'stem.1.weight', 'stem.1.bias']
    assert 'layer2.downsample.1.weight' in keys and not any(k.startswith('layer1.downsample.1') for k in keys)
    assert keys[-5:] == ['head.0.norm.weight', 'head.0.norm.bias', 'head.1.mlp.fc1.weight',
                         'head.1.mlp.fc1.bias', 'head.1.mlp.fc2.weight']
    assert not any('text' in k or 'token' in k for k in keys)


def test_forward_feat_equals_clip_image_embedding_of_pooled_map(backbone):
    clip_map = backbone.get_clip_feature(backbone(torch.randn(1, 3, 64, 64))[-1])
    pooled = clip_map.mean(dim=(-1, -2))  # a mask covering the whole image
    expected = backbone.head(clip_map)  # open_clip's image path: avg-pool, norm, projection
    assert torch.allclose(backbone.forward_feat(pooled[:, None])[:, 0], expected, atol=1e-5)


def test_encode_text_is_deterministic_and_text_dependent(backbone):
    a = backbone.encode_text(['a photo of a cat.', 'a photo of a dog.'])
    b = backbone.encode_text(['a photo of a cat.'])
    assert a.shape == (2, 64) and a.dtype == torch.float32
    assert torch.allclose(a[:1], b, atol=1e-5)
    assert not torch.allclose(a[0], a[1])


def test_encode_text_without_weights_is_a_clear_error():
    backbone = OpenCLIPBackbone(model_name=TINY)
    with pytest.raises(ValueError, match='keep_text_tower'):
        backbone.encode_text(['cat'])


def test_unavailable_pretrained_weights_give_a_clear_error():
    with pytest.raises(RuntimeError, match="pretrained='no_such_tag'.*pretrained=None"):
        create_clip_model(TINY, 'no_such_tag')
    with pytest.raises(FileNotFoundError, match='missing/clip.bin'):
        create_clip_model(TINY, '/missing/clip.bin')


def test_unknown_model_name_is_rejected():
    with pytest.raises(ValueError, match='no_such_clip'):
        ensure_model_config('no_such_clip')
