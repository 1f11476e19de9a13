"""Inference modes: validation messages, fp32 parity of channels_last, bf16 network with fp32 fusion."""
import pytest
import torch

from seg.models.heads.outputs import HeadPrediction
from seg.models.utils.inference_modes import InferenceModes
from tests.models.model_test_utils import build_toy_model, synthetic_batch


@pytest.fixture(scope='module')
def model():
    return build_toy_model().eval()


def predict(model, modes: InferenceModes, size: int = 64):
    """Panoptic map (H, W) and instance scores of one synthetic image under ``modes``."""
    model.inference_modes = modes
    data = model.data_preprocessor(synthetic_batch(batch_size=1, size=size), False)
    try:
        sample = model(**data, mode='predict')[0]
    finally:
        model.inference_modes = InferenceModes()
    return sample.pred_panoptic_seg.sem_seg[0], sample.pred_instances.scores


def test_unknown_keys_precisions_and_compile_targets_are_named():
    with pytest.raises(ValueError, match=r"inference_modes: unknown keys \['precison'\]"):
        InferenceModes.build(dict(precison='bf16'))
    with pytest.raises(ValueError, match=r"precision='int8': choose from \['bf16', 'fp16', 'fp32'\]"):
        InferenceModes(precision='int8')
    with pytest.raises(ValueError, match=r"compile=\['decoder'\]: unknown \['decoder'\]"):
        InferenceModes(compile=['decoder'])
    assert InferenceModes.build(None) == InferenceModes()
    assert InferenceModes().is_reference and not InferenceModes(channels_last=True).is_reference


def test_fp16_is_refused_on_the_cpu():
    with pytest.raises(ValueError, match="precision='fp16' needs a GPU"):
        InferenceModes(precision='fp16').autocast_dtype(torch.device('cpu'))
    assert InferenceModes(precision='bf16').autocast_dtype(torch.device('cpu')) is torch.bfloat16
    assert InferenceModes().autocast_dtype(torch.device('cpu')) is None


def test_to_fp32_casts_floating_tensors_only():
    half = torch.tensor([1.5, -2.25], dtype=torch.bfloat16)
    ids = torch.tensor([3, 4])
    cast = InferenceModes.to_fp32(HeadPrediction(half, half, half, ids))
    assert isinstance(cast, HeadPrediction)
    assert cast.cls_logits.dtype == torch.float32 and cast.cls_logits.tolist() == [1.5, -2.25]
    assert cast.query_embeds is ids
    assert [t.dtype for t in InferenceModes.to_fp32((half, ids))] == [torch.float32, torch.int64]


def test_channels_last_gives_the_fp32_predictions_exactly(model):
    reference, scores = predict(model, InferenceModes(inference_mode=False))
    fast, fast_scores = predict(model, InferenceModes(channels_last=True))
    assert model.backbone.stem[0].weight.is_contiguous(memory_format=torch.channels_last)
    model.backbone.to(memory_format=torch.contiguous_format)
    assert torch.equal(reference, fast) and torch.equal(scores, fast_scores)


def test_inference_mode_switch(model):
    model.inference_modes = InferenceModes(inference_mode=True)
    with model.inference_modes.network(model, torch.device('cpu')):
        assert torch.is_inference_mode_enabled()
    with InferenceModes(inference_mode=False).network(model, torch.device('cpu')):
        assert not torch.is_inference_mode_enabled() and not torch.is_grad_enabled()
    model.inference_modes = InferenceModes()


def test_bf16_runs_the_network_in_bf16_and_the_fusion_in_fp32(model, monkeypatch):
    seen = {}
    fusion_predict = model.panoptic_fusion_head.predict

    def record(cls_logits, mask_logits, *args, **kwargs):
        seen.update(cls=cls_logits.dtype, mask=mask_logits.dtype)
        return fusion_predict(cls_logits, mask_logits, *args, **kwargs)

    head_predict = model.panoptic_head.predict

    def record_head(*args, **kwargs):
        prediction = head_predict(*args, **kwargs)
        seen.update(head=prediction.mask_logits.dtype)
        return prediction

    monkeypatch.setattr(model.panoptic_fusion_head, 'predict', record)
    monkeypatch.setattr(model.panoptic_head, 'predict', record_head)
    panoptic, _ = predict(model, InferenceModes(precision='bf16'))
    assert seen == dict(head=torch.bfloat16, cls=torch.float32, mask=torch.float32)
    assert panoptic.shape == (64, 64)


def test_lean_decoder_gives_the_last_prediction_set_only_and_equal_to_rounding(model):
    data = model.data_preprocessor(synthetic_batch(batch_size=1, size=64), False)
    samples = data['data_samples']
    head = model.panoptic_head
    with torch.no_grad():
        features = model.encode(data['inputs'], samples)
        full = head.decode(features.pixels, samples)
        head.lean_decoder = True
        try:
            lean = head.decode(features.pixels, samples)
        finally:
            head.lean_decoder = False
    assert len(full.mask_logits) == len(head.transformer_decoder.layers) + 1
    assert len(lean.mask_logits) == len(lean.cls_logits) == len(lean.objectness) == 1
    assert torch.allclose(lean.mask_logits[0], full.mask_logits[-1], atol=1e-4)
    assert torch.allclose(lean.cls_logits[0], full.cls_logits[-1], atol=1e-4)


def test_lean_attention_mask_is_the_resampled_dot_product(model):
    """Bilinear resampling is linear: the dot product with resampled features = the resampled dot product."""
    head = model.panoptic_head
    torch.manual_seed(0)
    channels = head.transformer_decoder.post_norm.normalized_shape[0]
    query, features = torch.randn(1, 3, channels), torch.randn(1, channels, 16, 16)
    with torch.no_grad():
        _, mask_logits, _, reference = head._forward_head(query, features, (4, 4))
        resampled = torch.nn.functional.interpolate(features, (4, 4), mode='bilinear', align_corners=False)
        lean = head._lean_attention_mask(query, resampled)
        expected = torch.nn.functional.interpolate(mask_logits, (4, 4), mode='bilinear', align_corners=False)
        embed = head.mask_embed(head.transformer_decoder.post_norm(query))
        direct = torch.einsum('bqc,bchw->bqhw', embed, resampled)
    assert torch.allclose(direct, expected, atol=1e-5)
    assert lean.shape == reference.shape == (head.num_heads, 3, 16)
    assert torch.equal(lean, reference) or (lean != reference).float().mean() < 0.01


def test_lean_decoder_mode_sets_the_head_and_training_ignores_it(model):
    with InferenceModes(lean_decoder=True).network(model, torch.device('cpu')):
        assert model.panoptic_head.lean_decoder
    with InferenceModes().network(model, torch.device('cpu')):
        assert not model.panoptic_head.lean_decoder
    assert not InferenceModes(lean_decoder=True).is_reference


def test_int8_quantize_replaces_linears_in_place_and_stays_close():
    fresh = build_toy_model().eval()
    reference, _ = predict(fresh, InferenceModes(inference_mode=False))
    linears = [name for name, module in fresh.backbone.named_modules() if type(module) is torch.nn.Linear]
    assert linears, 'the toy backbone has no nn.Linear: the test would not test anything'
    modes = InferenceModes(quantize=['backbone'])
    fresh.inference_modes = modes
    data = fresh.data_preprocessor(synthetic_batch(batch_size=1, size=64), False)
    quantized = fresh(**data, mode='predict')[0].pred_panoptic_seg.sem_seg[0]
    kinds = {type(fresh.backbone.get_submodule(name)).__module__ for name in linears}
    assert kinds == {'torch.ao.nn.quantized.dynamic.modules.linear'}
    assert quantized.shape == reference.shape
    with pytest.raises(ValueError, match=r"quantize=\['backbone'\]: int8 dynamic quantization runs on the "
                                         r"CPU only, the model is on cuda"):
        with InferenceModes(quantize=['backbone']).network(fresh, torch.device('cuda')):
            pass
    with pytest.raises(ValueError, match=r"quantize=\['pixel_decoder'\]: unknown \['pixel_decoder'\], choose "
                                         r"from \['backbone'\]"):
        InferenceModes(quantize=['pixel_decoder'])
