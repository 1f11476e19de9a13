"""Builders for prompt tests: the toy model with prompt parameters, prompt batches."""
from __future__ import annotations

import logging

import torch
from mmdet.registry import MODELS
from mmengine.logging import MMLogger
from mmengine.registry import init_default_scope

from seg.models.query_generators import make_prompts
from tests.models.model_test_utils import synthetic_batch, toy_model_cfg

# synthetic_sample's two objects (xyxy): a bright and a dark rectangle
OBJECT_BOXES = torch.tensor([[10., 10., 60., 50.], [60., 70., 110., 120.]])


def build_interactive_model(seed: int = 0, **detector_overrides):
    """The toy OMG-Seg with prompt parameters, as the interactive detector, on the CPU."""
    import seg  # noqa: F401  (registers the modules)
    init_default_scope('mmdet')
    MMLogger.get_current_instance().setLevel(logging.WARNING)  # no per-parameter init log
    cfg = toy_model_cfg()
    cfg.model.type = 'OMGSegInteractive'
    cfg.model.panoptic_head.enable_box_query = True
    cfg.model.update(detector_overrides)
    torch.manual_seed(seed)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model


def prompt_batch(prompts_per_image: list, size: int = 128) -> dict:
    """Synthetic images (two rectangles each) carrying the given prompt sets."""
    batch = synthetic_batch(batch_size=len(prompts_per_image), size=size)
    for sample, prompts in zip(batch['data_samples'], prompts_per_image):
        sample.prompts = prompts
    return batch


def two_kinds_of_prompts():
    """A box on object 0 and a click on object 1 (inside both rectangles at 128 px)."""
    return make_prompts(boxes=OBJECT_BOXES[:1], points=torch.tensor([[85., 95.]]))


def click_set_training_step(**encoder_options):
    """One backward pass of a 'sam' batch (2 images, 6 prompts each, up to 3 simulated clicks) through a toy
    interactive model with ``ClickSetPromptEncoder(**encoder_options)``; returns (head, preprocessed data)."""
    from seg.models.query_generators import ClickSetPromptEncoder
    from tests.models.model_test_utils import synthetic_batch
    model = build_interactive_model().train()
    head = model.panoptic_head
    head.prompt_encoder = ClickSetPromptEncoder(embed_dims=head.query_feat.embedding_dim, max_train_clicks=3,
                                                **encoder_options)
    head.prompt_sampler.num_prompts = 6
    batch = synthetic_batch(batch_size=2, size=64)
    for sample in batch['data_samples']:
        sample.set_metainfo(dict(data_tag='sam'))
    data = model.data_preprocessor(batch, True)
    torch.manual_seed(0)
    sum(model.loss(data['inputs'], data['data_samples']).values()).backward()
    return head, data
