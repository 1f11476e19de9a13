"""Strict checkpoint loading lists missing / unexpected / mis-shaped keys."""
import pytest
import torch

from seg.models.utils import load_checked
from tests.models.model_test_utils import build_toy_model


@pytest.fixture(scope='module')
def model():
    return build_toy_model()


def _head_only(model):
    return {k: v.clone() for k, v in model.state_dict().items() if k.startswith('panoptic_head.')}


def test_head_only_checkpoint_loads_strictly(model, tmp_path):
    state = _head_only(model)
    state['panoptic_head.query_feat.weight'] += 1.0
    path = tmp_path / 'head.pth'
    torch.save(state, path)
    assert not load_checked(model, path)
    assert torch.equal(model.panoptic_head.query_feat.weight, state['panoptic_head.query_feat.weight'])


def test_mmengine_checkpoint_with_state_dict_entry_loads(model, tmp_path):
    path = tmp_path / 'epoch_1.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {'epoch': 1}}, path)
    assert not load_checked(model, path)


def test_key_problems_are_listed(model):
    state = _head_only(model)
    del state['panoptic_head.level_embed.weight']
    state['panoptic_head.extra.weight'] = torch.zeros(1)
    state['panoptic_head.query_embed.weight'] = torch.zeros(3, 64)
    with pytest.raises(RuntimeError, match=r'(?s)1 missing.*level_embed.*1 unexpected.*extra\.weight.*'
                                           r'query_embed\.weight: checkpoint \(3, 64\) vs model \(20, 64\)'):
        load_checked(model, state)
    report = load_checked(model, state, strict=False)
    assert report.missing == ['panoptic_head.level_embed.weight']
    assert model.panoptic_head.query_embed.weight.shape == (20, 64)
