"""Prompt -> query encoding: coordinates, sine code, switches, padding, attention mask, validation."""
import math

import pytest
import torch
from torch import nn

from seg.models.query_generators import (
    PROMPT_BOX,
    PROMPT_POINT,
    PromptQueryGenerator,
    boxes_to_normalized_cxcywh,
    check_prompts,
    jitter_cxcywh,
    make_prompts,
    prompt_position_code,
)

META = dict(img_shape=(100, 200), batch_input_shape=(128, 256), img_path='img.jpg')


def _params(channels: int = 8):
    torch.manual_seed(0)
    return dict(mask_token=torch.randn(1, channels), type_embedding=nn.Embedding(2, channels),
                pos_linear=nn.Linear(512, channels))


def test_normalized_cxcywh_by_hand():
    boxes = torch.tensor([[20., 10., 60., 50.]])
    out = boxes_to_normalized_cxcywh(boxes, (100, 200))
    assert torch.allclose(out, torch.tensor([[40 / 200, 30 / 100, 40 / 200, 40 / 100]]))


def test_position_code_is_cy_cx_w_h_interleaved_sine():
    boxes = torch.tensor([[[0.25, 0.75, 0.5, 0.125]]])
    code = prompt_position_code(boxes)
    assert code.shape == (1, 1, 512)
    cx, cy, w, h = 0.25, 0.75, 0.5, 0.125
    # frequency index 0 and 1 share temperature**0 = 1: sin / cos of value * 2 pi
    assert code[0, 0, 0] == pytest.approx(math.sin(cy * 2 * math.pi), abs=1e-5)
    assert code[0, 0, 1] == pytest.approx(math.cos(cy * 2 * math.pi), abs=1e-5)
    assert code[0, 0, 128] == pytest.approx(math.sin(cx * 2 * math.pi), abs=1e-5)
    assert code[0, 0, 256] == pytest.approx(math.sin(w * 2 * math.pi), abs=1e-5)
    assert code[0, 0, 384] == pytest.approx(math.sin(h * 2 * math.pi), abs=1e-5)
    # third frequency: temperature ** (2 * 1 / 128)
    assert code[0, 0, 2] == pytest.approx(math.sin(cy * 2 * math.pi / 10000 ** (2 / 128)), abs=1e-5)


def test_point_as_box_switch_gives_six_pixel_box_prompts():
    prompts = make_prompts(points=torch.tensor([[10., 20.]]))
    boxes, types = PromptQueryGenerator(point_as_box=True).boxes_and_types(prompts)
    assert boxes.tolist() == [[7., 17., 13., 23.]] and types.tolist() == [PROMPT_BOX]
    boxes, types = PromptQueryGenerator().boxes_and_types(prompts)
    assert boxes.tolist() == [[10., 20., 10., 20.]] and types.tolist() == [PROMPT_POINT]


def test_canvas_switch_selects_padded_or_unpadded_normalisation():
    prompts = make_prompts(boxes=torch.tensor([[0., 0., 100., 50.]]))
    padded, _ = PromptQueryGenerator().normalized_boxes(prompts, META)
    image, _ = PromptQueryGenerator(canvas='img_shape').normalized_boxes(prompts, META)
    assert torch.allclose(padded, torch.tensor([[50 / 256, 25 / 128, 100 / 256, 50 / 128]]))
    assert torch.allclose(image, torch.tensor([[0.25, 0.25, 0.5, 0.5]]))
    with pytest.raises(ValueError, match='canvas'):
        PromptQueryGenerator(canvas='ori_shape')


def test_jitter_stays_within_the_reference_bounds_and_leaves_points_alone():
    boxes = torch.tensor([[[0.5, 0.5, 0.4, 0.2], [0.3, 0.3, 0.0, 0.0]]]).repeat(50, 1, 1)
    jittered = jitter_cxcywh(boxes, scale=0.4)
    shift = (jittered - boxes).abs()
    bound = torch.tensor([0.2, 0.1, 0.4, 0.2]) * 0.01 * 0.4
    assert (shift[:, 0] <= bound + 1e-7).all() and shift[:, 0].max() > 0
    assert (shift[:, 1] == 0).all()


def test_queries_are_padded_per_batch_and_block_each_other():
    generator = PromptQueryGenerator()
    one = make_prompts(points=torch.tensor([[5., 5.]]))
    three = make_prompts(boxes=torch.tensor([[0., 0., 10., 10.]]), points=torch.tensor([[1., 2.], [3., 4.]]))
    queries = generator([one, three], [META, META], training=False, **_params())
    assert queries.content.shape == queries.pos.shape == (2, 3, 8)
    assert torch.equal(queries.self_attn_mask, ~torch.eye(3, dtype=torch.bool))
    params = _params()
    queries = generator([three], [META], training=False, **params)
    expected_content = params['type_embedding'].weight[[PROMPT_BOX, PROMPT_POINT, PROMPT_POINT]] + \
        params['mask_token']
    assert torch.allclose(queries.content[0], expected_content)


def test_make_prompts_rejects_wrong_shapes():
    with pytest.raises(ValueError, match=r'\(P, 2\)'):
        make_prompts(points=torch.zeros(3))
    with pytest.raises(ValueError, match=r'\(M, 4\)'):
        make_prompts(boxes=torch.zeros(2, 3))


@pytest.mark.parametrize('prompts, message', [
    (make_prompts(points=torch.tensor([[250., 10.]])), 'prompt 0 of img.jpg .* outside the image'),
    (make_prompts(boxes=torch.tensor([[-1., 0., 5., 5.]])), 'outside the image'),
    (make_prompts(boxes=torch.tensor([[5., 5., 1., 9.]])), 'x2 < x1'),
])
def test_prompts_outside_the_image_or_malformed_are_rejected_with_the_record_name(prompts, message):
    with pytest.raises(ValueError, match=message):
        check_prompts(prompts, META['img_shape'], record='img.jpg')
    with pytest.raises(ValueError, match=message):
        PromptQueryGenerator()([prompts], [META], training=False, **_params())


def test_prompt_fields_of_the_wrong_shape_or_type_are_rejected():
    prompts = make_prompts(points=torch.tensor([[1., 1.]]))
    bad_shape = prompts.clone()
    bad_shape.bboxes = torch.zeros(1, 2)
    with pytest.raises(ValueError, match=r'shape \(N, 4\)'):
        check_prompts(bad_shape, (10, 10), 'x')
    bad_type = prompts.clone()
    bad_type.types = torch.tensor([5])
    with pytest.raises(ValueError, match='type 5'):
        check_prompts(bad_type, (10, 10), 'x')
    not_a_point = prompts.clone()
    not_a_point.bboxes = torch.tensor([[1., 1., 2., 2.]])
    with pytest.raises(ValueError, match='zero-size'):
        check_prompts(not_a_point, (10, 10), 'x')
