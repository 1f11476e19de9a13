"""ImagePredictor prompts as objects: SAM-style predict, click sets, published-encoding errors, logits."""
import numpy as np
import pytest
import torch
from PIL import Image

from seg.apis import ImagePredictor
from seg.models.detectors.omg_seg_interactive import OMGSegInteractive
from seg.models.query_generators import ObjectPrompt


@pytest.fixture(scope='module')
def published(toy_workspace) -> ImagePredictor:
    """The toy checkpoint with the published weights' prompt encoding (one click or one box per query)."""
    return ImagePredictor.from_config(toy_workspace.config, toy_workspace.checkpoint, 'cpu',
                                      cfg_options=toy_workspace.cfg_options)


@pytest.fixture(scope='module')
def click_sets(toy_workspace) -> ImagePredictor:
    """The toy model with the click-set prompt encoder (random weights: behaviour, not quality)."""
    options = dict(toy_workspace.cfg_options)
    options['model.panoptic_head.prompt_encoder'] = dict(type='ClickSetPromptEncoder')
    torch.manual_seed(0)
    return ImagePredictor.from_config(toy_workspace.config, None, 'cpu', cfg_options=options)


@pytest.fixture(scope='module')
def image(toy_workspace) -> np.ndarray:
    return np.asarray(Image.open(toy_workspace.coco_images[0]).convert('RGB'))


def test_sam_style_predict_equals_predict_prompts(published, image):
    published.set_image(image)
    one = published.predict(point_coords=[[30, 40]], point_labels=[1], return_logits=True)
    same = published.predict_prompts(points=[[30, 40]], return_logits=True)
    assert one['masks'].shape == (1, *image.shape[:2])
    np.testing.assert_array_equal(one['masks'], same['masks'])
    np.testing.assert_array_equal(one['logits'], same['logits'])
    assert one['logits'].dtype == np.float32
    np.testing.assert_array_equal(one['masks'], one['logits'] > 0)
    assert len(one['class_names']) == 1 and 0 <= one['class_scores'][0] <= 1 and 0 <= one['scores'][0] <= 1
    boxed = published.predict(box=[0, 0, 40, 30])
    assert 'logits' not in boxed and boxed['masks'].shape == (1, *image.shape[:2])


def test_published_encoding_refuses_what_it_cannot_use(published, image):
    published.set_image(image)
    with pytest.raises(ValueError, match='prompt 0 has a negative click, but this model encodes one positive '
                                         r'click or one box per prompt \(PromptQueryGenerator'):
        published.predict(point_coords=[[30, 40], [5, 5]], point_labels=[1, 0])
    with pytest.raises(ValueError, match='prompt 0 has 2 clicks, but this model'):
        published.predict(point_coords=[[30, 40], [35, 45]], point_labels=[1, 1])
    with pytest.raises(ValueError, match='prompt 0 has a box and 1 click'):
        published.predict(point_coords=[[30, 40]], box=[0, 0, 50, 50])
    with pytest.raises(ValueError, match='mask_input is not supported'):
        published.predict(point_coords=[[30, 40]], mask_input=np.zeros((1, 256, 256), np.float32))
    with pytest.raises(ValueError, match='multimask_output=True is not available'):
        published.predict(point_coords=[[30, 40]], multimask_output=True)
    with pytest.raises(ValueError, match='needs a box or at least one positive click'):
        published.predict(point_coords=[[30, 40]], point_labels=[0])
    with pytest.raises(ValueError, match=r'point_labels must have shape \(1,\)'):
        published.predict(point_coords=[[30, 40]], point_labels=[1, 1])


def test_click_set_model_answers_each_object_with_all_its_clicks(click_sets, image):
    click_sets.set_image(image)
    objects = [ObjectPrompt(points=[[30, 40], [5, 5]], labels=[1, 0]),
               ObjectPrompt(points=[[60, 20]], box=[40, 0, 90, 40]),
               ObjectPrompt(points=[[30, 40]])]
    result = click_sets.predict_prompts(objects=objects, return_logits=True)
    assert result['masks'].shape == (3, *image.shape[:2]) and len(result['class_names']) == 3
    # the negative click changes the answer: the same positive click alone gives another query
    assert not np.array_equal(result['logits'][0], result['logits'][2])
    alone = click_sets.predict(point_coords=[[30, 40]], return_logits=True)
    np.testing.assert_allclose(alone['logits'][0], result['logits'][2], atol=1e-5)
    with pytest.raises(ValueError, match=r'prompt \[10000.0, 1.0\] lies outside the image'):
        click_sets.predict(point_coords=[[30, 40], [1e4, 1]], point_labels=[1, 0])


@pytest.fixture(scope='module')
def refining(toy_workspace) -> ImagePredictor:
    """The toy model with click sets and previous-mask feedback (random weights: behaviour, not quality)."""
    options = dict(toy_workspace.cfg_options)
    options['model.panoptic_head.prompt_encoder'] = dict(type='ClickSetPromptEncoder', mask_feedback=True)
    torch.manual_seed(0)
    return ImagePredictor.from_config(toy_workspace.config, None, 'cpu', cfg_options=options)


def test_mask_input_refines_through_the_evaluation_path(refining, image):
    refining.set_image(image)
    first = refining.predict(point_coords=[[30, 40]], return_logits=True)
    low_res = first['low_res_logits']
    assert low_res.shape == (1, *refining._features.pixels.mask_features.shape[-2:])
    assert low_res.dtype == np.float32
    # an empty previous mask (logits <= 0) adds nothing; a full one changes the query
    empty = refining.predict(point_coords=[[30, 40]], mask_input=np.zeros_like(low_res), return_logits=True)
    np.testing.assert_array_equal(empty['logits'], first['logits'])
    full = np.ones_like(low_res[0])  # (h, w) is taken as well as (1, h, w)
    refined = refining.predict(point_coords=[[30, 40]], mask_input=full, return_logits=True)
    assert not np.allclose(refined['logits'], first['logits'])
    # the same call through the detector's click-evaluation decoding gives the same masks and logits
    objects, previous = [ObjectPrompt(points=[[30, 40]])], torch.from_numpy(full)[None]
    with torch.no_grad():
        evaluated = OMGSegInteractive.segment_objects(refining.model, refining._features, objects, previous)
    np.testing.assert_array_equal(evaluated.masks.numpy(), refined['masks'])
    np.testing.assert_array_equal(evaluated.low_res_logits.numpy(), refined['low_res_logits'])
    with pytest.raises(ValueError, match=r'mask_inputs must have shape \(1, \d+, \d+\) .* got \(1, 256, 2'):
        refining.predict(point_coords=[[30, 40]], mask_input=np.zeros((1, 256, 256), np.float32))


def test_mask_input_needs_the_feedback_option(click_sets, image):
    click_sets.set_image(image)
    with pytest.raises(ValueError, match='mask_input is not supported by this model'):
        click_sets.predict(point_coords=[[30, 40]], mask_input=np.zeros((1, 8, 8), np.float32))
    with pytest.raises(ValueError, match='mask_input is not supported by this model'):
        click_sets.predict_prompts(points=[[30, 40]], mask_inputs=np.zeros((1, 8, 8), np.float32))
