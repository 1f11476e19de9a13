"""Prompts drawn from GT masks: boxes, centre clicks, random training prompts."""
import math

import pytest
import torch

from seg.models.query_generators import (
    PROMPT_BOX,
    PROMPT_POINT,
    PromptSampler,
    deepest_mask_points,
    mask_boxes,
    random_mask_points,
)


def _masks():
    masks = torch.zeros(3, 20, 30, dtype=torch.bool)
    masks[0, 2:7, 3:8] = True         # 5 x 5 square
    masks[1, 10:20, 0:4] = True       # touches the image border
    masks[1, 16:20, 0:30] = True      # L shape
    return masks                      # mask 2 is empty


def test_mask_boxes_are_tight_pixel_edge_boxes():
    assert mask_boxes(_masks()).tolist() == [[3., 2., 8., 7.], [0., 10., 30., 20.], [0., 0., 0., 0.]]


def test_deepest_point_is_the_rectangle_centre_and_respects_the_image_border():
    points = deepest_mask_points(_masks())
    assert points[0].tolist() == [5.5, 4.5]  # centre pixel (x 5, y 4) of the square
    x, y = points[1].long().tolist()
    assert _masks()[1, y, x]
    # the one-pixel border counts as background: the deepest pixel is not on the image edge
    assert 0 < x < 29 and 10 < y < 19
    assert points[2].tolist() == [0.5, 0.5]  # empty mask
    wide = torch.zeros(1, 9, 13, dtype=torch.bool)
    wide[0, 2:7, 2:11] = True  # 5 x 9: columns 4..8 of the middle row tie; the first one wins
    assert deepest_mask_points(wide)[0].tolist() == [4.5, 4.5]


def test_random_points_fall_inside_their_masks():
    masks = _masks()[:2]
    generator = torch.Generator().manual_seed(0)
    for _ in range(20):
        points = random_mask_points(masks, generator).long()
        assert all(masks[i, y, x] for i, (x, y) in enumerate(points.tolist()))
    with pytest.raises(ValueError, match='empty mask'):
        random_mask_points(_masks())


def test_training_prompts_cycle_instances_and_follow_their_gt():
    sampler = PromptSampler(num_prompts=20, box_prob=0.5)
    masks = _masks()
    prompts = sampler.training_prompts(masks, torch.Generator().manual_seed(1))
    assert len(prompts) == 20
    counts = torch.bincount(prompts.gt_indices, minlength=3).tolist()
    assert counts == [10, 10, 0]  # the empty mask is never prompted; the 2 others equally often
    boxes = mask_boxes(masks)
    for bbox, kind, gt in zip(prompts.bboxes, prompts.types.tolist(), prompts.gt_indices.tolist()):
        if kind == PROMPT_BOX:
            assert torch.equal(bbox, boxes[gt])
        else:
            assert kind == PROMPT_POINT and bbox[0] == bbox[2] and bbox[1] == bbox[3]
            assert masks[gt, int(bbox[1]), int(bbox[0])]
    assert set(prompts.types.tolist()) == {PROMPT_BOX, PROMPT_POINT}


def test_training_prompts_take_a_random_subset_when_there_are_more_instances():
    masks = torch.zeros(30, 8, 8, dtype=torch.bool)
    for i in range(30):
        masks[i, i % 8, (i // 8) * 2] = True
    sampler = PromptSampler(num_prompts=20, box_prob=0.0)
    first = sampler.training_prompts(masks, torch.Generator().manual_seed(0)).gt_indices
    second = sampler.training_prompts(masks, torch.Generator().manual_seed(1)).gt_indices
    assert len(set(first.tolist())) == 20 and not torch.equal(first, second)
    assert first.tolist() != list(range(20))


def test_evaluation_prompts_one_per_instance_in_gt_order():
    sampler = PromptSampler(eval_prompt_type='box')
    prompts = sampler.evaluation_prompts(_masks())
    assert prompts.gt_indices.tolist() == [0, 1, 2]
    assert prompts.types.tolist() == [PROMPT_BOX] * 3
    clicks = sampler.evaluation_prompts(_masks(), 'point')
    assert clicks.types.tolist() == [PROMPT_POINT] * 3
    assert clicks.bboxes[0].tolist() == [5.5, 4.5, 5.5, 4.5]
    with pytest.raises(ValueError, match='prompt_type'):
        sampler.evaluation_prompts(_masks(), 'scribble')


def test_approximate_distance_transform_is_exact_next_to_the_boundary():
    from seg.models.query_generators.prompt_sampling import approximate_distance_transform
    image = torch.zeros(1, 1, 7, 7)
    image[0, 0, 3, 3] = 1.0
    distance = approximate_distance_transform(image)[0, 0]
    assert distance[3, 3] == 0
    assert distance[3, 4] == pytest.approx(1.0, abs=1e-5)
    assert distance[4, 4] == pytest.approx(2 ** 0.5, abs=1e-4)
    # one ring further: 1 + soft minimum over three neighbours (-0.35 log(e^(-1/.35) + 2 e^(-sqrt2/.35)))
    ring = 1 - 0.35 * math.log(math.exp(-1 / 0.35) + 2 * math.exp(-2 ** 0.5 / 0.35))
    assert distance[3, 1] == pytest.approx(float(ring), abs=1e-4) and distance[3, 1] < 2  # approximate


def test_reference_click_is_an_integer_pixel_and_the_switch_selects_it():
    from seg.models.query_generators.prompt_sampling import reference_mask_points
    masks = _masks()[:1]
    assert reference_mask_points(masks).tolist() == [[5.0, 4.0]]  # (x, y) of the centre pixel, no + 0.5
    exact = PromptSampler(eval_click='exact').evaluation_prompts(masks)
    reference = PromptSampler(eval_click='reference').evaluation_prompts(masks)
    assert exact.bboxes.tolist() == [[5.5, 4.5, 5.5, 4.5]] and reference.bboxes.tolist() == [[5., 4., 5., 4.]]
    with pytest.raises(ValueError, match='eval_click'):
        PromptSampler(eval_click='kornia')
