"""ClickSetPromptEncoder(click_features=True): clicked pixel-decoder features in the query."""
import pytest
import torch
from mmengine.structures import InstanceData
from torch import nn

from seg.models.query_generators import PROMPT_BOX, PROMPT_POINT, ClickSetPromptEncoder
from seg.models.query_generators.click_set_encoding import sample_at_clicks
from tests.models.prompts.prompt_test_utils import click_set_training_step

META = dict(batch_input_shape=(16, 16), img_shape=(16, 16), img_path='toy.jpg')
# feature map (1, 4, 4, 4) at 1/4 of the 16 x 16 input: channel c, column x -> 10 c + x (constant along y)
FEATURES = (torch.arange(4.)[:, None, None] * 10 + torch.arange(4.)[None, None, :]).expand(4, 4, 4)[None]


def _prompts() -> InstanceData:
    """Object 0: one positive click; object 1: two positive + one negative click; object 2: a box only."""
    clicks = torch.tensor([[[6., 2.], [0., 0.], [0., 0.]],
                           [[6., 2.], [10., 2.], [14., 2.]],
                           [[0., 0.], [0., 0.], [0., 0.]]])
    labels = torch.tensor([[1, -1, -1], [1, 1, 0], [-1, -1, -1]])
    return InstanceData(bboxes=torch.tensor([[6., 2., 6., 2.], [6., 2., 6., 2.], [1., 1., 9., 9.]]),
                        types=torch.tensor([PROMPT_POINT, PROMPT_POINT, PROMPT_BOX]), clicks=clicks,
                        click_labels=labels)


def _content(encoder, features):
    torch.manual_seed(1)  # type_embedding / pos_linear: the same in every call
    return encoder([_prompts()], [META], mask_token=torch.zeros(1, 4), type_embedding=nn.Embedding(2, 4),
                   pos_linear=nn.Linear(16, 4), training=False, mask_features=features).content[0]


def test_click_features_add_only_the_two_projections():
    plain = ClickSetPromptEncoder(embed_dims=4, num_feats=4)
    features = ClickSetPromptEncoder(embed_dims=4, num_feats=4, click_features=True)
    added = sorted(set(features.state_dict()) - set(plain.state_dict()))
    assert added == ['negative_feature_proj.weight', 'positive_feature_proj.weight']
    assert features.state_dict()['negative_feature_proj.weight'].shape == (4, 4)
    assert not plain.takes_mask_features and features.takes_mask_features
    assert not features.takes_mask_inputs  # the previous mask stays behind mask_feedback


def test_sampling_is_bilinear_in_the_padded_input_frame():
    # input x 6 -> feature column 1 (centre), x 8 -> halfway between columns 1 and 2, x 14 -> column 3
    clicks = torch.tensor([[[6., 2.], [8., 2.], [14., 2.]]])
    sampled = sample_at_clicks(FEATURES[0], clicks, (16, 16))
    expected = torch.tensor([[[1., 11., 21., 31.], [1.5, 11.5, 21.5, 31.5], [3., 13., 23., 33.]]])
    torch.testing.assert_close(sampled, expected)


def test_positive_and_negative_means_each_get_their_own_projection():
    encoder = ClickSetPromptEncoder(embed_dims=4, num_feats=4, click_features=True)
    with torch.no_grad():
        encoder.positive_feature_proj.weight.copy_(torch.eye(4))
        encoder.negative_feature_proj.weight.copy_(torch.eye(4) * -2)
    term = _content(encoder, FEATURES) - _content(encoder, torch.zeros_like(FEATURES))
    positive_1 = torch.tensor([1.5, 11.5, 21.5, 31.5])  # mean of columns 1 and 2
    negative_1 = torch.tensor([3., 13., 23., 33.]) * -2  # column 3, through the negative projection
    torch.testing.assert_close(term[0], torch.tensor([1., 11., 21., 31.]))
    torch.testing.assert_close(term[1], positive_1 + negative_1)
    torch.testing.assert_close(term[2], torch.zeros(4))  # a box-only prompt has no clicked feature


def test_click_features_need_the_mask_features():
    encoder = ClickSetPromptEncoder(embed_dims=4, num_feats=4, click_features=True)
    with pytest.raises(ValueError, match='toy.jpg: click_features=True needs the mask features'):
        _content(encoder, None)


def test_the_head_passes_mask_features_and_both_projections_learn():
    head, data = click_set_training_step(click_features=True)
    labels = torch.cat([sample.prompts.click_labels.flatten() for sample in data['data_samples']])
    assert (labels == 0).any(), 'the simulation gave no negative click: the negative projection is untested'
    for name in ('positive_feature_proj', 'negative_feature_proj'):
        assert getattr(head.prompt_encoder, name).weight.grad.abs().sum() > 0, name
