"""SAM 2 style object prompts (clicks with labels, a box) of one frame -> the model's prompt set.

An object's prompt is a :class:`~seg.models.query_generators.ObjectPrompt` (any number of positive /
negative clicks and at most one box), as for the image predictor. What the model cannot use is refused by
its prompt encoder when the prompt is given (the published weights' encoding: one positive click or one
box per object), never dropped silently.
"""
from __future__ import annotations

import numpy as np
from mmengine.structures import InstanceData
from torch import nn

from seg.models.query_generators import (
    ObjectPrompt,
    check_prompts,
    first_outside_frame,
    make_object_prompts,
    object_prompt_to_input,
)


def check_inside(prompt: ObjectPrompt, meta: dict, record: str) -> None:
    """ValueError naming ``record`` if a click or the box lies outside the original frame."""
    height, width = meta['ori_shape'][:2]
    coords = [(point, 'click') for point in prompt.points]
    if prompt.box is not None:
        coords.append((prompt.box, 'box'))
    for values, kind in coords:
        if first_outside_frame(values[None], meta['ori_shape']) is not None:
            raise ValueError(f'{record}: {kind} {values.tolist()} lies outside the frame (width {width}, '
                             f'height {height})')


def object_prompt(meta: dict, obj_id: int, points=None, labels=None, box=None,
                  previous: ObjectPrompt | None = None) -> ObjectPrompt:
    """The prompt of object ``obj_id`` on one frame, in pixels of the original frame: ``points`` (P, 2) xy
    with ``labels`` (P,) (1 positive, 0 negative click; default all 1) and/or ``box`` (4,) xyxy, added to the
    clicks of ``previous`` (its box is kept unless a new one is given)."""
    record = f'object {obj_id}'
    if points is None and box is None:
        raise ValueError(f'{record}: give points (with labels) or a box')
    if points is None and labels is not None:
        raise ValueError(f'{record}: labels given without points')
    try:
        prompt = ObjectPrompt(points, labels, box)
        if previous is not None:
            prompt = ObjectPrompt(np.concatenate([previous.points, prompt.points]),
                                  np.concatenate([previous.labels, prompt.labels]),
                                  prompt.box if prompt.box is not None else previous.box)
    except ValueError as error:
        raise ValueError(f'{record}: {error}') from None
    check_inside(prompt, meta, record)
    return prompt


def prompt_set(prompts: list[ObjectPrompt], meta: dict, model: nn.Module, record: str) -> InstanceData:
    """One prompt (query) per object, in the network input's frame; ValueError where the model's prompt
    encoder cannot use a prompt (e.g. negative or several clicks for the published encoding)."""
    prompts = make_object_prompts([object_prompt_to_input(prompt, meta) for prompt in prompts])
    check_prompts(prompts, meta['img_shape'], record)
    encoder = model.panoptic_head.prompt_encoder
    if hasattr(encoder, 'check_supported'):
        encoder.check_supported(prompts, record)
    return prompts
