"""ClickSetPromptEncoder(mask_feedback=True): previous-mask pooling into the query, training, errors."""
import pytest
import torch
from mmengine.structures import InstanceData
from torch import nn

from seg.models.query_generators import ClickSetPromptEncoder
from tests.models.prompts.prompt_test_utils import click_set_training_step

META = dict(batch_input_shape=(8, 8), img_shape=(8, 8), img_path='toy.jpg')


def _prompts(mask_inputs=None) -> InstanceData:
    prompts = InstanceData(bboxes=torch.tensor([[2., 2., 2., 2.], [5., 6., 5., 6.]]),
                           types=torch.tensor([1, 1]), clicks=torch.tensor([[[2., 2.]], [[5., 6.]]]),
                           click_labels=torch.tensor([[1], [1]]))
    if mask_inputs is not None:
        prompts.mask_inputs = mask_inputs
    return prompts


def _encode(encoder, prompts, mask_features):
    torch.manual_seed(1)  # type_embedding / pos_linear: the same in every call
    return encoder([prompts], [META], mask_token=torch.zeros(1, 4), type_embedding=nn.Embedding(2, 4),
                   pos_linear=nn.Linear(16, 4), training=False, mask_features=mask_features)


def test_mask_feedback_adds_only_mask_proj():
    plain = ClickSetPromptEncoder(embed_dims=4, num_feats=4).state_dict()
    feedback = ClickSetPromptEncoder(embed_dims=4, num_feats=4, mask_feedback=True).state_dict()
    assert sorted(set(feedback) - set(plain)) == ['mask_proj.weight']
    assert feedback['mask_proj.weight'].shape == (4, 4)
    assert not ClickSetPromptEncoder(embed_dims=4, num_feats=4).takes_mask_inputs


def test_previous_mask_adds_the_projection_of_the_features_under_it():
    torch.manual_seed(0)
    encoder = ClickSetPromptEncoder(embed_dims=4, num_feats=4, mask_feedback=True)
    with torch.no_grad():
        encoder.mask_proj.weight.copy_(torch.eye(4) * 2)  # mask_proj(v) = 2 v
    features = torch.arange(16.).reshape(1, 4, 2, 2)  # channel c, pixel (y, x): 4 c + 2 y + x
    masks = torch.tensor([[[5., -1.], [-1., 3.]],   # object 0: pixels (0, 0) and (1, 1)
                          [[0., 0.], [0., 0.]]])    # object 1: zeros = no previous mask
    without = _encode(encoder, _prompts(), features).content[0]
    with_mask = _encode(encoder, _prompts(masks), features).content[0]
    # mean over pixels 0 and 3 of channel c: 4 c + 1.5; doubled
    expected = torch.tensor([3., 11., 19., 27.])
    torch.testing.assert_close(with_mask[0] - without[0], expected)
    torch.testing.assert_close(with_mask[1], without[1])


def test_mask_inputs_are_refused_without_the_option():
    encoder = ClickSetPromptEncoder(embed_dims=4, num_feats=4)
    with pytest.raises(ValueError, match='prompts of toy.jpg carry mask_inputs .* set mask_feedback=True'):
        _encode(encoder, _prompts(torch.ones(2, 2, 2)), torch.ones(1, 4, 2, 2))
    feedback = ClickSetPromptEncoder(embed_dims=4, num_feats=4, mask_feedback=True)
    with pytest.raises(ValueError, match=r'mask_inputs of toy.jpg must have shape \(N=2, h, w\), got \(2, 4'):
        _encode(feedback, _prompts(torch.ones(2, 4)), torch.ones(1, 4, 2, 2))


def test_training_feeds_each_round_mask_to_the_next_and_mask_proj_learns():
    head, data = click_set_training_step(mask_feedback=True)
    assert head.prompt_encoder.mask_proj.weight.grad.abs().sum() > 0
    for sample in data['data_samples']:
        prompts = sample.prompts
        assert prompts.mask_inputs.shape == (6, 16, 16)  # the decoder's 1/4 of the 64 x 64 input
        clicked = (prompts.click_labels != -1).sum(1)
        # exactly the prompts that got a corrective click carry a previous mask (the others: zeros)
        has_mask = prompts.mask_inputs.flatten(1).abs().sum(1) > 0
        assert torch.equal(has_mask, clicked > 1)
