"""Strict checkpoint loading lists missing / unexpected / mis-shaped keys."""
import argparse

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


def _toy_model(**head_options):
    from mmdet.registry import MODELS
    from mmengine.registry import init_default_scope

    import seg  # noqa: F401
    from tests.models.model_test_utils import toy_model_cfg
    init_default_scope('mmdet')
    cfg = toy_model_cfg()
    if head_options.pop('_model_init_cfg', False):
        cfg.model.init_cfg = dict(type='Pretrained', checkpoint='x.pth', prefix='panoptic_head.')
    cfg.model.panoptic_head.update(head_options)
    torch.manual_seed(1)
    return MODELS.build(cfg.model)


def test_head_init_cfg_loads_exactly_the_checkpoint_weights(tmp_path, monkeypatch):
    """panoptic_head.init_cfg=Pretrained (prefix panoptic_head.) loads the head's weights, checked strictly;
    the prompt tensors of a prompt-trained checkpoint are named unused."""
    trained = _toy_model(enable_box_query=True)
    state = {k: v + 0.5 for k, v in trained.state_dict().items() if k.startswith('panoptic_head.')}
    path = tmp_path / 'published.pth'
    torch.save(state, path)
    model = _toy_model(init_cfg=dict(type='Pretrained', checkpoint=str(path), prefix='panoptic_head.'))
    logged = []
    monkeypatch.setattr('mmengine.logging.print_log', lambda msg, *args, **kwargs: logged.append(msg))
    model.init_weights()
    head = model.panoptic_head.state_dict()
    loaded = {k.removeprefix('panoptic_head.'): v for k, v in state.items()}
    unused = {'mask_tokens.weight', 'pb_embedding.weight', 'pos_linear.weight', 'pos_linear.bias'}
    assert set(loaded) - set(head) == unused
    assert all(torch.equal(head[k], loaded[k]) for k in head)
    unused_lines = [line for line in logged if 'not used' in line]
    assert len(unused_lines) == 1 and all(name in unused_lines[0] for name in unused)

    del state['panoptic_head.level_embed.weight']
    torch.save(state, path)
    bad = _toy_model(init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    with pytest.raises(RuntimeError, match=r'1 missing key\(s\): level_embed\.weight'):
        bad.init_weights()


def test_detector_init_cfg_with_prefix_is_refused():
    with pytest.raises(ValueError, match='panoptic_head.init_cfg'):
        _toy_model(init_cfg=None, _model_init_cfg=True)


def test_pixel_decoder_gets_contiguous_features(model):
    """Non-contiguous backbone features (e.g. channels-last) are made contiguous: the pixel decoder then
    matches the reference bit for bit."""
    from tests.models.model_test_utils import synthetic_sample
    seen = []
    handle = model.panoptic_head.pixel_decoder.register_forward_pre_hook(
        lambda module, args: seen.extend(feat.is_contiguous() for feat in args[0]))
    _, sample = synthetic_sample(64, 64)
    feats = [f.to(memory_format=torch.channels_last) for f in model.extract_feat(torch.rand(1, 3, 64, 64))]
    assert not all(f.is_contiguous() for f in feats)
    try:
        with torch.no_grad():
            model.panoptic_head(feats, [sample])
    finally:
        handle.remove()
    assert seen and all(seen)


def test_truncated_or_foreign_files_give_one_line_errors(model, tmp_path):
    from seg.models.text_embeddings import load_text_bank
    from seg.models.utils import CheckpointFileError
    path = tmp_path / 'head.pth'
    torch.save(_head_only(model), path)
    truncated = tmp_path / 'truncated.pth'
    truncated.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(CheckpointFileError, match=r'truncated\.pth \(1000 bytes\) is truncated') as info:
        load_checked(model, truncated)
    assert '\n' not in str(info.value)
    bank = tmp_path / 'bank.pth'
    torch.save({'bank': argparse.Namespace(x=1)}, bank)
    with pytest.raises(CheckpointFileError, match=r'bank\.pth is not a text-embedding bank file.*'
                                                  r'pickles argparse\.Namespace') as info:
        load_text_bank(bank)
    assert '\n' not in str(info.value)
    text = tmp_path / 'notes.pth'
    text.write_text('not a checkpoint\n')
    with pytest.raises(CheckpointFileError, match=r'notes\.pth \(17 bytes\) is not a PyTorch file'):
        load_checked(model, text)
