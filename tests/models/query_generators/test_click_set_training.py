"""Click-set prompt encoder: parameters only behind its option, simulated training clicks, gradients."""
import torch

from seg.models.query_generators import CLICK_PADDING, ClickSetPromptEncoder
from tests.models.model_test_utils import synthetic_batch
from tests.models.prompts.prompt_test_utils import build_interactive_model


def _click_model(**encoder):
    model = build_interactive_model()
    head = model.panoptic_head
    head.prompt_encoder = ClickSetPromptEncoder(embed_dims=head.query_feat.embedding_dim, **encoder)
    return model


def test_new_parameters_exist_only_with_the_option():
    published = build_interactive_model().panoptic_head.state_dict()
    assert not [key for key in published if key.startswith('prompt_encoder.')]
    clicks = _click_model().panoptic_head.state_dict()
    added = ['prompt_encoder.click_proj.bias', 'prompt_encoder.click_proj.weight',
             'prompt_encoder.label_embed.weight']
    assert sorted(set(clicks) - set(published)) == added


def test_training_adds_simulated_clicks_and_every_encoder_parameter_gets_a_gradient():
    model = _click_model(max_train_clicks=3).train()
    model.panoptic_head.prompt_sampler.num_prompts = 6
    batch = synthetic_batch(batch_size=2, size=64)
    for sample in batch['data_samples']:
        sample.set_metainfo(dict(data_tag='sam'))
    data = model.data_preprocessor(batch, True)
    torch.manual_seed(0)
    losses = model.loss(data['inputs'], data['data_samples'])
    sum(losses.values()).backward()
    for name, param in model.panoptic_head.prompt_encoder.named_parameters():
        assert param.grad is not None and param.grad.abs().sum() > 0, name
    for sample in data['data_samples']:
        labels = sample.prompts.click_labels
        assert labels.shape[0] == 6 and 1 <= labels.shape[1] <= 3
        valid = labels != CLICK_PADDING
        assert (valid.sum(1) <= 3).all()
        # point prompts start with a positive click; corrective clicks carry 0 / 1 labels
        assert set(labels[valid].tolist()) <= {0, 1}
        height, width = sample.metainfo['img_shape'][:2]
        clicks = sample.prompts.clicks[valid]
        assert ((clicks >= 0) & (clicks <= torch.tensor([width, height]))).all()


def test_split_labels_average_positive_and_negative_clicks_apart():
    from mmengine.structures import InstanceData

    from seg.models.query_generators import prompt_position_code
    torch.manual_seed(0)
    encoder = ClickSetPromptEncoder(embed_dims=8, num_feats=4, split_labels=True)
    clicks = torch.tensor([[[10., 20.], [30., 40.], [50., 60.]]])
    labels = torch.tensor([[1, 0, 1]])
    prompts = InstanceData(bboxes=torch.tensor([[10., 20., 10., 20.]]), types=torch.tensor([1]),
                           clicks=clicks, click_labels=labels)
    meta = dict(batch_input_shape=(100, 100), img_shape=(100, 100))
    got = encoder.click_content(prompts, meta)
    code = prompt_position_code(torch.cat([clicks, clicks * 0], -1) / 100, 4)  # (x, y, 0, 0) boxes
    embed = encoder.label_embed.weight
    positive = (encoder.click_proj(code[0, [0, 2]]) + embed[1]).mean(0)
    negative = encoder.negative_proj(code[0, 1]) + embed[0]
    torch.testing.assert_close(got[0], positive + negative)
