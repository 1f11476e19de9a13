"""Prompt queries in the toy OMG-Seg: independence, mixed prompt kinds, 'sam' losses, interactive outputs."""
import pytest
import torch

from seg.models.query_generators import PROMPT_BOX, PROMPT_POINT, make_prompts
from tests.models.model_test_utils import build_toy_model, synthetic_batch
from tests.models.prompts.prompt_test_utils import (
    OBJECT_BOXES,
    build_interactive_model,
    prompt_batch,
    two_kinds_of_prompts,
)

NUM_SETS = 4  # initial queries + 3 decoder layers (toy)


@pytest.fixture(scope='module')
def model():
    return build_interactive_model()


def _raw_outputs(model, batch):
    model.eval()
    data = model.data_preprocessor(batch, False)
    with torch.no_grad():
        return model(**data, mode='tensor')


def test_changing_one_prompt_leaves_the_other_prompts_outputs_unchanged(model):
    points = torch.tensor([[30., 30.], [85., 95.], [100., 20.]])
    base = _raw_outputs(model, prompt_batch([make_prompts(points=points)]))
    moved = points.clone()
    moved[1] = torch.tensor([20., 110.])
    changed = _raw_outputs(model, prompt_batch([make_prompts(points=moved)]))
    keep = [0, 2]
    for name in ('mask_logits', 'cls_logits', 'objectness'):
        for before, after in zip(getattr(base, name), getattr(changed, name)):
            assert torch.allclose(before[0, keep], after[0, keep], atol=1e-5), name
    assert not torch.allclose(base.mask_logits[-1][0, 1], changed.mask_logits[-1][0, 1], atol=1e-3)
    # a prompt's answer does not depend on how many other prompts there are
    alone = _raw_outputs(model, prompt_batch([make_prompts(points=points[:1])]))
    assert torch.allclose(alone.mask_logits[-1][0, 0], base.mask_logits[-1][0, 0], atol=1e-5)


def test_box_and_point_prompts_in_one_batch_give_one_mask_per_prompt(model):
    other = make_prompts(points=torch.tensor([[35., 30.], [85., 95.], [5., 120.]]))
    batch = prompt_batch([two_kinds_of_prompts(), other])
    outputs = _raw_outputs(model, batch)
    assert len(outputs.mask_logits) == NUM_SETS
    assert outputs.mask_logits[-1].shape == (2, 3, 32, 32)  # padded to the largest prompt set
    assert two_kinds_of_prompts().types.tolist() == [PROMPT_BOX, PROMPT_POINT]
    batch = prompt_batch([two_kinds_of_prompts(), other])
    batch['data_samples'][0].set_metainfo(dict(ori_shape=(256, 256)))
    data = model.data_preprocessor(batch, False)
    with torch.no_grad():
        samples = model(**data, mode='predict')
    first, second = samples[0].pred_instances, samples[1].pred_instances
    assert first.masks.shape == (2, 256, 256) and first.masks.dtype == torch.bool  # rescaled to ori_shape
    assert second.masks.shape == (3, 128, 128)
    assert ((first.scores >= 0) & (first.scores <= 1)).all() and first.mask_scores.shape == (2,)


def test_image_without_prompts_gives_empty_predictions(model):
    batch = prompt_batch([make_prompts()])
    data = model.data_preprocessor(batch, False)
    with torch.no_grad():
        sample = model(**data, mode='predict')[0]
    assert sample.pred_instances.masks.shape == (0, 128, 128)


def test_bad_prompts_are_rejected_before_the_decoder_runs(model):
    outside = prompt_batch([make_prompts(points=torch.tensor([[140., 10.]]))])
    with pytest.raises(ValueError, match=r'prompt 0 of 0\.jpg .* outside the image \(width 128'):
        _raw_outputs(model, outside)
    mixed = prompt_batch([two_kinds_of_prompts(), None])
    with pytest.raises(ValueError, match='every data sample'):
        _raw_outputs(model, mixed)


def test_prompts_need_the_prompt_parameters():
    plain = build_toy_model()
    batch = prompt_batch([two_kinds_of_prompts()])
    data = plain.data_preprocessor(batch, False)
    with pytest.raises(ValueError, match='enable_box_query=True'):
        plain(**data, mode='tensor')


def test_sam_batch_loss_supervises_each_prompt_with_its_own_instance(model):
    model.train()
    batch = synthetic_batch(batch_size=2, size=96)
    for sample in batch['data_samples']:
        sample.set_metainfo(dict(data_tag='sam'))
    data = model.data_preprocessor(batch, True)
    losses = model(**data, mode='loss')
    names = {'loss_cls', 'loss_obj', 'loss_mask', 'loss_dice'}
    assert set(losses) == names | {f'd{i}.{n}' for i in range(NUM_SETS - 1) for n in names} | {'loss_zero'}
    assert losses['loss_cls'] == 0 and losses['loss_obj'] == 0 and losses['loss_zero'] == 0
    assert losses['loss_mask'] > 0 and losses['loss_dice'] > 0
    prompts = data['data_samples'][0].prompts
    assert len(prompts) == 20 and set(prompts.gt_indices.tolist()) == {0, 1}  # 2 objects, cycled
    model.zero_grad()
    sum(losses.values()).backward()
    missing = [n for n, p in model.named_parameters() if p.requires_grad and p.grad is None]
    assert missing == []  # object-query parameters too (loss_zero), as DDP needs
    assert model.panoptic_head.pos_linear.weight.grad.abs().sum() > 0
    model.zero_grad()


def test_prompt_loss_targets_follow_gt_indices(model):
    model.train()
    torch.manual_seed(0)
    batch = prompt_batch([make_prompts(boxes=OBJECT_BOXES, gt_indices=torch.tensor([0, 1]))])
    data = model.data_preprocessor(batch, True)
    model.panoptic_head.prompt_encoder.jitter_scale = 0.0
    right = model(**data, mode='loss')['loss_dice']
    data['data_samples'][0].prompts.gt_indices = torch.tensor([1, 0])  # each box supervised by the other
    torch.manual_seed(0)
    swapped = model(**data, mode='loss')['loss_dice']
    model.panoptic_head.prompt_encoder.jitter_scale = 0.4
    assert not torch.isclose(right, swapped)
    data['data_samples'][0].prompts.gt_indices = torch.tensor([0, 5])
    with pytest.raises(ValueError, match='gt_indices reach 5 but there are 2 GT instances'):
        model(**data, mode='loss')


def test_object_batches_keep_prompt_parameters_in_the_graph(model):
    model.train()
    data = model.data_preprocessor(synthetic_batch(batch_size=1, size=64), True)
    losses = model(**data, mode='loss')
    assert 'loss_zero' in losses and 'loss_cls' in losses and losses['loss_cls'] > 0
    model.zero_grad()
    sum(losses.values()).backward()
    assert model.panoptic_head.pb_embedding.weight.grad is not None
    model.zero_grad()
    model.eval()
    data = model.data_preprocessor(synthetic_batch(batch_size=1, size=64), False)
    with torch.no_grad():
        sample = model(**data, mode='predict')[0]
    assert 'pred_panoptic_seg' in sample  # object batches still get panoptic results


def test_prompts_only_mode_prompts_every_gt_instance_at_evaluation():
    model = build_interactive_model(prompts_only=True)
    model.eval()
    batch = synthetic_batch(batch_size=1, size=64)
    data = model.data_preprocessor(batch, False)
    with torch.no_grad():
        sample = model(**data, mode='predict')[0]
    assert sample.prompts.gt_indices.tolist() == [0, 1]
    assert sample.prompts.types.tolist() == [PROMPT_POINT, PROMPT_POINT]
    assert sample.pred_instances.masks.shape == (2, 64, 64)


def test_prompt_predictions_run_the_network_under_the_inference_modes(model, monkeypatch):
    from seg.models.utils.inference_modes import InferenceModes
    from tests.models.model_test_utils import record_decodes
    model.eval()
    data = model.data_preprocessor(prompt_batch([two_kinds_of_prompts()]), False)
    with torch.no_grad():
        reference = model(**data, mode='predict')[0].pred_instances.masks
    seen = record_decodes(monkeypatch, model.panoptic_head)
    model.inference_modes = InferenceModes(lean_decoder=True)
    try:
        with torch.no_grad():
            lean = model(**data, mode='predict')[0].pred_instances.masks
    finally:
        model.inference_modes = InferenceModes()
        model.panoptic_head.lean_decoder = False
    assert seen == [(True, 1)]  # decoded once under inference_mode, the last prediction set only
    assert torch.equal(lean, reference)
