"""The evaluation path (click simulation inside the detector) and the predictor API give the same numbers."""
from pathlib import Path

import numpy as np
import pytest
import torch
from mmdet.registry import DATASETS

from seg.apis import ImagePredictor
from seg.apis.loading import load_config
from seg.evaluation.metrics import InteractiveIoUMetric
from seg.models.query_generators import CLICK_PADDING, ObjectPrompt, mask_boxes, mask_ious, simulate_clicks

TOY = Path(__file__).resolve().parents[2] / 'seg' / 'configs' / 'toy'
# click sets; click sets + previous mask + clicked features (predictor and evaluation sample them alike)
CONFIGS = ('omg_toy_interactive_clicks.py', 'omg_toy_interactive_clicks_features.py')
NUM_CLICKS = 4


@pytest.fixture(scope='module', params=CONFIGS)
def setup(toy_workspace, request):
    """(predictor of a briefly trained click-set model, its config); weights: the toy checkpoint's
    shared tensors, the click encoder's own at their seeded initialisation."""
    embeddings = str(toy_workspace.root / 'data' / 'embeddings')
    options = {'model.panoptic_head.classifier.embeddings_dir': embeddings, 'model.eval_clicks': NUM_CLICKS}
    cfg = load_config(TOY / request.param, options)
    cfg.test_dataloader.dataset.data_root = str(toy_workspace.root / 'data' / 'toy' / 'coco') + '/'
    torch.manual_seed(0)
    predictor = ImagePredictor.from_config(cfg, toy_workspace.checkpoint, 'cpu', strict=False)
    return predictor, cfg


def _api_curves(predictor, path, gts):
    predictor.set_image(str(path))
    feedback = predictor.model.panoptic_head.prompt_encoder.takes_mask_inputs
    previous = []  # a refining model gets the previous call's low_res_logits back, as a user would pass them

    def segment(clicks, labels):
        objects = [ObjectPrompt(c[lab != CLICK_PADDING].numpy(), lab[lab != CLICK_PADDING].numpy())
                   for c, lab in zip(clicks, labels)]
        mask_inputs = previous[-1] if feedback and previous else None
        result = predictor.predict_prompts(objects=objects, mask_inputs=mask_inputs, return_logits=True)
        previous.append(result['low_res_logits'])
        return torch.from_numpy(result['masks'])

    curves, _ = simulate_clicks(segment, gts, NUM_CLICKS)
    boxes = predictor.predict_prompts(boxes=mask_boxes(gts).numpy())['masks']
    return curves.float(), mask_ious(torch.from_numpy(boxes), gts).float()


def test_api_prompt_path_and_evaluation_path_give_the_same_numbers(setup):
    predictor, cfg = setup
    model = predictor.model
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    eval_metric, api_metric = InteractiveIoUMetric(), InteractiveIoUMetric()
    for index in range(2):
        item = dataset[index]
        batch = dict(inputs=[item['inputs']], data_samples=[item['data_samples']])
        data = model.data_preprocessor(batch, False)
        with torch.no_grad():
            sample = model.predict(data['inputs'], data['data_samples'])[0]
        gts = torch.from_numpy(sample.gt_instances.masks.masks).bool()
        assert sample.pred_instances.click_ious.shape == (len(gts), NUM_CLICKS)
        curves, box_ious = _api_curves(predictor, sample.img_path, gts)
        torch.testing.assert_close(sample.pred_instances.click_ious, curves, rtol=0, atol=0)
        torch.testing.assert_close(sample.pred_instances.box_ious, box_ious, rtol=0, atol=0)
        eval_metric.process({}, [sample.to_dict()])
        pred = dict(masks=sample.pred_instances.masks, click_ious=curves, box_ious=box_ious)
        api = dict(gt_instances=dict(masks=gts.numpy()), pred_instances=pred)
        api_metric.process({}, [api])
    eval_numbers = eval_metric.compute_metrics(eval_metric.results)
    assert eval_numbers == api_metric.compute_metrics(api_metric.results)
    assert {'mIoU@1', 'mIoU@3', 'NoC@85', 'NoC@90', 'box_mIoU'} <= eval_numbers.keys()
    assert 0 < eval_numbers['mIoU@1'] < 100  # a real, non-trivial comparison
    assert np.isfinite(list(eval_numbers.values())).all()
