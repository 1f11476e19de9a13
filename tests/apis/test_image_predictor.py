"""ImagePredictor on the toy checkpoint: features computed once, every task, open vocabulary, prompts."""
import numpy as np
import pytest
import torch
from PIL import Image

from seg.apis import ImagePredictor
from seg.models.query_generators import make_prompts


@pytest.fixture(scope='module')
def predictor(toy_workspace) -> ImagePredictor:
    return ImagePredictor.from_config(toy_workspace.config, toy_workspace.checkpoint, 'cpu',
                                      cfg_options=toy_workspace.cfg_options)


@pytest.fixture(scope='module')
def image(toy_workspace) -> np.ndarray:
    return np.asarray(Image.open(toy_workspace.coco_images[0]).convert('RGB'))


class CallCounter:
    """Wraps a module's forward and counts its calls."""

    def __init__(self, module: torch.nn.Module) -> None:
        self.calls = 0
        self.forward = module.forward

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.forward(*args, **kwargs)


def test_features_are_computed_once_per_image(predictor, image, monkeypatch):
    model = predictor.model
    counters = {name: CallCounter(module) for name, module in (
        ('backbone', model.backbone), ('pixel_decoder', model.panoptic_head.pixel_decoder),
        ('decoder', model.panoptic_head.transformer_decoder.layers[0]))}
    monkeypatch.setattr(model.backbone, 'forward', counters['backbone'])
    monkeypatch.setattr(model.panoptic_head.pixel_decoder, 'forward', counters['pixel_decoder'])
    monkeypatch.setattr(model.panoptic_head.transformer_decoder.layers[0], 'forward', counters['decoder'])
    predictor.set_image(image)
    predictor.predict_panoptic()
    predictor.predict_instances()
    predictor.predict_semantic()
    predictor.predict_prompts(points=[[30, 40]])
    predictor.set_classes(['cat', 'dog'])
    predictor.predict_instances()
    predictor.reset_classes()
    assert counters['backbone'].calls == 1
    assert counters['pixel_decoder'].calls == 1
    # object queries once per vocabulary (3 tasks share it), prompts once: 3 decoder runs
    assert counters['decoder'].calls == 3


def test_results_match_the_model_test_path(predictor, image):
    predictor.set_image(image)
    inputs, sample = predictor.prepare(image)
    with torch.no_grad():
        expected = predictor.model.predict(inputs, [sample])[0]
    panoptic = predictor.predict_panoptic()
    assert panoptic['panoptic_seg'].shape == image.shape[:2]
    num_classes = predictor.vocabulary.num_classes
    expected_map = expected.pred_panoptic_seg.sem_seg[0].numpy()
    assert ((panoptic['panoptic_seg'] == 0) == (expected_map == num_classes)).all()
    for info, mask in zip(panoptic['segments_info'], panoptic['masks']):
        assert (mask == (panoptic['panoptic_seg'] == info['id'])).all()
    instances = predictor.predict_instances(score_thr=-1.0)
    reference = expected.pred_instances
    order = reference.scores.argsort(descending=True)
    assert instances['masks'].shape == (len(reference), *image.shape[:2])
    np.testing.assert_allclose(instances['scores'], reference.scores[order].numpy(), rtol=1e-5, atol=1e-7)
    assert (instances['labels'] == reference.labels[order].numpy()).all()
    assert instances['class_names'] == [predictor.class_names[i] for i in instances['labels']]
    assert instances['boxes'].shape == (len(reference), 4)


def test_score_threshold_filters_instances(predictor, image):
    predictor.set_image(image)
    everything = predictor.predict_instances(score_thr=-1.0)
    threshold = float(np.median(everything['scores']))
    kept = predictor.predict_instances(score_thr=threshold)
    assert len(kept['scores']) == int((everything['scores'] >= threshold).sum())
    assert (np.diff(kept['scores']) <= 0).all()  # best first


def test_semantic_map_covers_the_image(predictor, image):
    predictor.set_image(image)
    semantic = predictor.predict_semantic()
    assert semantic['sem_seg'].shape == image.shape[:2]
    assert semantic['masks'].sum(0).tolist() == np.ones(image.shape[:2], dtype=int).tolist()
    assert set(np.unique(semantic['sem_seg'])) == set(semantic['labels'].tolist())


def test_set_classes_changes_the_vocabulary(predictor, image, toy_workspace):
    predictor.set_image(image)
    assert len(predictor.class_names) == 133 and predictor.class_names[0] == 'person'
    before = predictor.predict_instances(score_thr=-1.0)
    predictor.set_classes(['cat', 'dog,puppy'], stuff_classes=['sky'])
    try:
        assert predictor.class_names == ['cat', 'dog', 'sky']
        instances = predictor.predict_instances(score_thr=-1.0)
        assert len(instances['labels']) == 20 * 2  # every (query, thing class) pair; 'sky' is stuff
        assert set(instances['class_names']) <= {'cat', 'dog'} and set(instances['labels']) <= {0, 1}
        semantic = predictor.predict_semantic()
        assert set(semantic['labels'].tolist()) <= {0, 1, 2}
        assert list((toy_workspace.root / 'data' / 'embeddings' / 'cache').glob('*_vocab_*.pth'))
    finally:
        predictor.reset_classes()
    assert len(predictor.class_names) == 133
    after = predictor.predict_instances(score_thr=-1.0)
    assert after['class_names'] == before['class_names']
    np.testing.assert_allclose(after['scores'], before['scores'], rtol=1e-5)


def test_prompts_give_one_classified_mask_each(predictor, image):
    predictor.set_image(image)
    height, width = image.shape[:2]
    boxes, points = [[0, 0, width / 2, height / 2]], [[width / 4, height / 4], [width - 1, height - 1]]
    result = predictor.predict_prompts(points=points, boxes=boxes)
    assert result['masks'].shape == (3, height, width) and result['masks'].dtype == bool
    assert len(result['class_names']) == 3 and all(0 <= label < 133 for label in result['labels'])
    assert ((0 <= result['scores']) & (result['scores'] <= 1)).all()
    # the cached path equals a fresh forward of the whole model with the same prompts (scaled to the input)
    inputs, sample = predictor.prepare(image)
    scale = sample.metainfo['scale_factor'][0]
    sample.prompts = make_prompts(points=torch.tensor(points) * scale, boxes=torch.tensor(boxes) * scale)
    with torch.no_grad():
        fresh = predictor.model.panoptic_head.predict(predictor.model.extract_feat(inputs), [sample])
    fusion = predictor.model.panoptic_fusion_head
    logits = fusion._to_output_size(fresh.mask_logits[0, :3], sample.metainfo, True)
    assert ((logits > 0).numpy() == result['masks']).mean() > 0.999


def test_bad_prompts_and_missing_image_are_rejected(predictor, image, monkeypatch):
    fresh = ImagePredictor(predictor.model, predictor.cfg)
    with pytest.raises(RuntimeError, match='set_image'):
        fresh.predict_panoptic()
    predictor.set_image(image)
    with pytest.raises(ValueError, match='outside the image'):
        predictor.predict_prompts(points=[[image.shape[1] + 5, 0]])
    with pytest.raises(ValueError, match='points'):
        predictor.predict_prompts()
    monkeypatch.setattr(predictor.model.panoptic_head, 'enable_box_query', False)
    with pytest.raises(ValueError, match='enable_box_query=True'):
        predictor.predict_prompts(points=[[1, 1]])


def test_inputs_pil_bgr_and_path_agree(predictor, image, toy_workspace):
    results = []
    for source, image_format in ((image, 'RGB'), (Image.fromarray(image), 'RGB'),
                                 (np.ascontiguousarray(image[..., ::-1]), 'BGR'),
                                 (toy_workspace.coco_images[0], 'RGB')):
        predictor.set_image(source, image_format)
        results.append(predictor.predict_semantic()['sem_seg'])
    assert all((result == results[0]).all() for result in results)


def test_from_pretrained_local_folder_works_offline(predictor, image, tmp_path, monkeypatch):
    folder = predictor.save_pretrained(tmp_path / 'omg_toy')
    assert {'config.py', 'model.pth', 'embeddings'} <= {p.name for p in folder.iterdir()}
    monkeypatch.chdir(tmp_path)  # no data/ here: the bank must come from the folder
    loaded = ImagePredictor.from_pretrained(folder, 'cpu')
    assert loaded.class_names == predictor.class_names
    loaded.set_image(image)
    predictor.set_image(image)
    np.testing.assert_allclose(loaded.predict_instances(score_thr=-1.0)['scores'],
                               predictor.predict_instances(score_thr=-1.0)['scores'], rtol=1e-5)


def test_from_pretrained_errors_are_clear(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match='config.py'):
        ImagePredictor.from_pretrained(tmp_path)
    import huggingface_hub

    def offline(**kwargs):
        raise OSError('no network')
    monkeypatch.setattr(huggingface_hub, 'snapshot_download', offline)
    with pytest.raises(RuntimeError, match='Offline'):
        ImagePredictor.from_pretrained('someone/omg-seg-model')


def test_the_predictor_runs_the_network_under_the_models_inference_modes(predictor, image, monkeypatch):
    from seg.models.utils.inference_modes import InferenceModes
    from tests.models.model_test_utils import record_decodes
    model = predictor.model
    predictor.set_image(image)
    reference = predictor.predict_panoptic()
    seen = record_decodes(monkeypatch, model.panoptic_head)
    model.inference_modes = InferenceModes(lean_decoder=True)
    try:
        predictor.set_image(image)
        lean = predictor.predict_panoptic()
    finally:
        model.inference_modes = InferenceModes()
        model.panoptic_head.lean_decoder = False
    assert seen == [(True, 1)]  # decoded once, under inference_mode, the last prediction set only
    assert np.array_equal(lean['panoptic_seg'], reference['panoptic_seg'])
