"""OMG-Seg detector on the toy config: loss / predict / tensor modes, gradients, overfitting."""
import pytest
import torch

from seg.models.heads import HeadOutputs
from tests.models.model_test_utils import build_toy_model, synthetic_batch, toy_model_cfg

NUM_SETS = 4  # initial queries + 3 decoder layers in the toy config


@pytest.fixture(scope='module')
def model():
    return build_toy_model()


def test_loss_mode_gives_deep_supervised_losses_and_every_trainable_param_gets_a_gradient(model):
    model.train()
    data = model.data_preprocessor(synthetic_batch(), True)
    losses = model(**data, mode='loss')
    names = {'loss_cls', 'loss_obj', 'loss_mask', 'loss_dice'}
    expected = names | {f'd{i}.{n}' for i in range(NUM_SETS - 1) for n in names}
    assert set(losses) == expected
    assert all(torch.isfinite(v) and v > 0 for v in losses.values())
    model.zero_grad()
    sum(losses.values()).backward()
    missing = [n for n, p in model.named_parameters() if p.requires_grad and p.grad is None]
    assert missing == []
    assert all(p.grad is None for p in model.backbone.parameters())
    model.zero_grad()


def test_predict_mode_fills_panoptic_instance_and_semantic_fields(model):
    model.eval()
    model.panoptic_fusion_head.test_cfg.update(semantic_on=True)
    data = model.data_preprocessor(synthetic_batch(batch_size=1, size=96), False)
    data['data_samples'][0].set_metainfo(dict(ori_shape=(192, 192)))
    with torch.no_grad():
        sample = model(**data, mode='predict')[0]
    model.panoptic_fusion_head.test_cfg.update(semantic_on=False)
    assert sample.pred_panoptic_seg.sem_seg.shape == (1, 192, 192)
    assert sample.pred_sem_seg.sem_seg.shape == (1, 192, 192)
    assert sample.pred_sem_seg.sem_seg.max() < model.num_classes
    instances = sample.pred_instances
    assert instances.masks.shape[1:] == (192, 192)
    assert len(instances) <= 100 and (instances.labels < model.num_things_classes).all()


def test_tensor_mode_returns_named_outputs_for_every_prediction_set(model):
    model.eval()
    data = model.data_preprocessor(synthetic_batch(batch_size=2, size=64), False)
    with torch.no_grad():
        out = model(**data, mode='tensor')
    assert isinstance(out, HeadOutputs)
    assert len(out.cls_logits) == len(out.mask_logits) == len(out.objectness) == NUM_SETS
    assert out.cls_logits[-1].shape == (2, 20, model.num_classes + 1)
    assert out.mask_logits[-1].shape == (2, 20, 16, 16)
    assert out.objectness[-1].shape == (2, 20)
    assert out.query_embeds.shape == (2, 20, 64)
    assert (out.cls_logits[-1][..., -1] == 0).all()  # background logit is the constant 0


def test_open_vocab_inference_changes_class_scores_only(model):
    model.eval()
    data = model.data_preprocessor(synthetic_batch(batch_size=1, size=64), False)
    feats = model.extract_feat(data['inputs'])
    with torch.no_grad():
        prediction = model.panoptic_head.predict(feats, data['data_samples'])
        model.set_seen_classes([True] * 6 + [False] * 6)
        logits = model.open_vocab_logits(feats, prediction)
        model.set_seen_classes(None)
    assert logits.shape == prediction.cls_logits.shape
    assert torch.allclose(logits.exp().sum(-1), torch.ones(1, 20), atol=1e-4)
    with pytest.raises(ValueError, match='one per class'):
        model.set_seen_classes([True] * 3)


def test_head_in_channels_must_match_backbone():
    from mmdet.registry import MODELS
    cfg = toy_model_cfg()
    cfg.model.panoptic_head.in_channels = [1, 2, 3, 4]
    with pytest.raises(ValueError, match='backbone stage widths'):
        MODELS.build(cfg.model)


def test_loss_decreases_when_overfitting_one_sample():
    torch.manual_seed(0)
    model = build_toy_model(seed=0)
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    batch = synthetic_batch(batch_size=1, size=64)
    history = []
    for _ in range(20):
        data = model.data_preprocessor(batch, True)
        losses = model(**data, mode='loss')
        total = sum(losses.values())
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        history.append(total.item())
    first, last = sum(history[:3]) / 3, sum(history[-3:]) / 3
    assert last < 0.6 * first, history


def test_loss_and_predict_under_bf16_autocast(model):
    model.train()
    data = model.data_preprocessor(synthetic_batch(batch_size=1, size=64), True)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        losses = model(**data, mode='loss')
    assert all(torch.isfinite(v) for v in losses.values())
    sum(losses.values()).backward()
    model.zero_grad()
    model.eval()
    data = model.data_preprocessor(synthetic_batch(batch_size=1, size=64), False)
    with torch.no_grad(), torch.autocast('cpu', dtype=torch.bfloat16):
        sample = model(**data, mode='predict')[0]
    assert sample.pred_panoptic_seg.sem_seg.shape == (1, 64, 64)
