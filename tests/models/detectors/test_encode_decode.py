"""Detector ``encode`` / ``decode``: the split equals the one-pass head exactly; one encode, many decodes."""
import pytest
import torch
import torch.nn.functional as F

from seg.models.classifiers import TextVocabulary
from seg.models.heads.outputs import PixelFeatures
from tests.models.model_test_utils import build_toy_model, synthetic_batch
from tests.models.prompts.prompt_test_utils import build_interactive_model, prompt_batch, two_kinds_of_prompts


@pytest.fixture(scope='module')
def model():
    return build_toy_model().eval()


@pytest.fixture(scope='module')
def interactive():
    return build_interactive_model().eval()


def _batch(model, batch_size=1):
    data = model.data_preprocessor(synthetic_batch(batch_size=batch_size, size=64), False)
    return data['inputs'], data['data_samples']


@torch.no_grad()
def test_decode_of_encode_equals_the_one_pass_head(model):
    inputs, samples = _batch(model, 2)
    expected = model.panoptic_head.predict(model.extract_feat(inputs), samples, upsample=False)
    features = model.encode(inputs, samples)
    assert isinstance(features.pixels, PixelFeatures) and len(features.metainfos) == 2
    first = model.decode(features)
    second = model.decode(features, data_samples=samples)
    for got in (first, second):
        assert torch.equal(got.cls_logits, expected.cls_logits)
        assert torch.equal(got.mask_logits, expected.mask_logits)
        assert torch.equal(got.objectness, expected.objectness)
    up = model.decode(features, upsample=True).mask_logits
    assert up.shape[-2:] == (64, 64)
    resized = F.interpolate(expected.mask_logits, (64, 64), mode='bilinear', align_corners=False)
    assert torch.equal(up, resized)


@torch.no_grad()
def test_decode_with_prompts_equals_the_prompt_forward(interactive):
    data = interactive.data_preprocessor(prompt_batch([two_kinds_of_prompts()]), False)
    inputs, samples = data['inputs'], data['data_samples']
    expected = interactive.panoptic_head.predict(interactive.extract_feat(inputs), samples)
    features = interactive.encode(inputs, samples)
    got = interactive.decode(features, [two_kinds_of_prompts()], upsample=True)
    assert got.mask_logits.shape[1] == 2
    assert torch.equal(got.mask_logits, expected.mask_logits)
    objects = interactive.decode(features)  # the same encoding answers the object queries too
    assert objects.mask_logits.shape[1] == interactive.panoptic_head.num_queries
    with pytest.raises(ValueError, match='decode got 2 prompt sets for 1 encoded images'):
        interactive.decode(features, [two_kinds_of_prompts()] * 2)


@torch.no_grad()
def test_decode_with_a_vocabulary_switches_every_class_count():
    model = build_toy_model().eval()
    inputs, samples = _batch(model)
    features = model.encode(inputs, samples)
    bank = F.normalize(torch.randn(3, 1, model.panoptic_head.text_embed_dims), dim=-1)
    prediction = model.decode(features, vocabulary=TextVocabulary(bank, num_things=2))
    assert prediction.cls_logits.shape[-1] == 4  # 3 classes + background
    for module in (model, model.panoptic_head, model.panoptic_fusion_head):
        assert (module.num_classes, module.num_things_classes, module.num_stuff_classes) == (3, 2, 1)
    assert model.seen_classes is None
    seen = torch.tensor([True, False, True])
    model.set_vocabulary(TextVocabulary(bank, 2, seen))
    assert torch.equal(model.seen_classes, seen)


def test_training_loss_through_encode_equals_the_one_pass_head():
    model = build_toy_model().train()
    data = model.data_preprocessor(synthetic_batch(batch_size=1, size=64), True)
    torch.manual_seed(3)
    got = model.loss(data['inputs'], data['data_samples'])
    torch.manual_seed(3)
    expected = model.panoptic_head.loss(model.extract_feat(data['inputs']), data['data_samples'])
    assert got.keys() == expected.keys()
    for key in got:
        assert torch.equal(got[key], expected[key]), key
