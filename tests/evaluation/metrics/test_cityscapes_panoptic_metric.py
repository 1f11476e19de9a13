"""CityscapesPanopticMetric on hand-built Cityscapes-style GT (``<city>/<name>_panoptic.png`` names)."""
import json
import os

import numpy as np
import pytest
import torch
from mmdet.registry import METRICS
from mmengine.config import Config
from panopticapi.evaluation import pq_compute

import seg as seg_package
from seg.evaluation.functional import EvalInputError, evaluate_coco_panoptic
from seg.evaluation.functional.fileio import id_map_to_rgb, read_rgb_id_map, write_png_atomic
from seg.evaluation.metrics import CityscapesPanopticMetric

# label i -> categories[i]; deliberately non-contiguous ids, 2 things then 2 stuff
CATEGORIES = [{'id': 7, 'name': 'car', 'isthing': 1}, {'id': 11, 'name': 'person', 'isthing': 1},
              {'id': 20, 'name': 'road', 'isthing': 0}, {'id': 21, 'name': 'sky', 'isthing': 0}]
CAR, PERSON, ROAD, SKY, VOID = 0, 1, 2, 3, 4
OFFSET = 1000  # mmdet INSTANCE_OFFSET

# GT of image "aachen_000000": rows 0-1 sky, rows 2-3 road with a car (cols 0-1) and a person (cols 4-5)
GT_IDS = np.array([[100] * 6,
                   [100] * 6,
                   [102, 102, 101, 101, 103, 103],
                   [102, 102, 101, 101, 103, 103]])
GT_SEGMENTS = [{'id': 100, 'category_id': 21}, {'id': 101, 'category_id': 20},
               {'id': 102, 'category_id': 7}, {'id': 103, 'category_id': 11}]
# the prediction in mmdet encoding (label + k * INSTANCE_OFFSET)
PERFECT = np.array([[SKY] * 6,
                    [SKY] * 6,
                    [CAR + OFFSET] * 2 + [ROAD] * 2 + [PERSON + 2 * OFFSET] * 2,
                    [CAR + OFFSET] * 2 + [ROAD] * 2 + [PERSON + 2 * OFFSET] * 2])
IMG_ID = 'aachen_000000'


def _write_gt(root, images: dict) -> tuple[str, str]:
    """GT JSON + PNGs for {img_id: id map}; returns (ann_file, seg_prefix)."""
    seg_prefix = os.path.join(root, 'gt')
    annotations, image_records = [], []
    for img_id, ids in images.items():
        city = img_id.split('_')[0]
        png_name = f'{city}/{img_id}_panoptic.png'
        write_png_atomic(os.path.join(seg_prefix, png_name), id_map_to_rgb(ids))
        segments = [dict(gt, iscrowd=0, area=int((ids == gt['id']).sum())) for gt in GT_SEGMENTS
                    if (ids == gt['id']).any()]
        annotations.append({'image_id': img_id, 'file_name': png_name, 'segments_info': segments})
        image_records.append({'id': img_id, 'file_name': f'{city}/{img_id}_leftImg8bit.png',
                              'height': ids.shape[0], 'width': ids.shape[1]})
    ann_file = os.path.join(root, 'gt.json')
    with open(ann_file, 'w') as f:
        json.dump({'images': image_records, 'annotations': annotations, 'categories': CATEGORIES}, f)
    return ann_file, seg_prefix


def _sample(img_id: str, pan_map: np.ndarray) -> dict:
    """A data sample as mmengine's evaluator passes it (DetDataSample.to_dict())."""
    return {'img_id': img_id, 'pred_panoptic_seg': {'sem_seg': torch.from_numpy(pan_map)[None]}}


def _evaluate(metric: CityscapesPanopticMetric, samples: list) -> dict:
    metric.process({}, samples)
    return metric.evaluate(len(samples))


@pytest.fixture
def gt_files(tmp_path):
    return _write_gt(str(tmp_path), {IMG_ID: GT_IDS})


def test_registered():
    assert METRICS.get('CityscapesPanopticMetric') is CityscapesPanopticMetric


def test_perfect_prediction_is_100(gt_files, tmp_path):
    metric = CityscapesPanopticMetric(*gt_files, output_dir=str(tmp_path / 'out'))
    results = _evaluate(metric, [_sample(IMG_ID, PERFECT)])
    assert set(results) == {f'cityscapes_panoptic/{m}{s}' for m in ('PQ', 'SQ', 'RQ')
                            for s in ('', '_th', '_st')}
    assert all(value == pytest.approx(100.0) for value in results.values())


def test_prediction_files_use_gt_names_and_json_category_ids(gt_files, tmp_path):
    out = tmp_path / 'out'
    _evaluate(CityscapesPanopticMetric(*gt_files, output_dir=str(out)), [_sample(IMG_ID, PERFECT)])
    pred_ids = read_rgb_id_map(str(out / 'panoptic' / 'aachen' / f'{IMG_ID}_panoptic.png'))
    np.testing.assert_array_equal(pred_ids, PERFECT + 1)
    record, = json.loads((out / 'panoptic.json').read_text())['annotations']
    assert record['image_id'] == IMG_ID and record['file_name'] == f'aachen/{IMG_ID}_panoptic.png'
    by_id = {pred['id']: (pred['category_id'], pred['area']) for pred in record['segments_info']}
    assert by_id == {SKY + 1: (21, 12), ROAD + 1: (20, 4), CAR + OFFSET + 1: (7, 4),
                     PERSON + 2 * OFFSET + 1: (11, 4)}


def test_missing_thing_gives_hand_computed_pq(gt_files):
    pred = PERFECT.copy()
    pred[pred == PERSON + 2 * OFFSET] = VOID  # person not predicted: person PQ = SQ = RQ = 0
    results = _evaluate(CityscapesPanopticMetric(*gt_files), [_sample(IMG_ID, pred)])
    expected = {'PQ': 75.0, 'SQ': 75.0, 'RQ': 75.0, 'PQ_th': 50.0, 'SQ_th': 50.0, 'RQ_th': 50.0,
                'PQ_st': 100.0, 'SQ_st': 100.0, 'RQ_st': 100.0}
    assert results == {f'cityscapes_panoptic/{k}': pytest.approx(v) for k, v in expected.items()}


def test_default_temporary_output_dir_is_removed(gt_files):
    metric = CityscapesPanopticMetric(*gt_files)
    metric.process({}, [_sample(IMG_ID, PERFECT)])
    temp_dir = metric._temp_dir
    assert os.path.isfile(os.path.join(temp_dir, 'panoptic', 'aachen', f'{IMG_ID}_panoptic.png'))
    metric.evaluate(1)
    assert not os.path.exists(temp_dir)


def test_equals_functional_and_panopticapi_on_the_written_files(tmp_path):
    second = np.array([[100, 100, 100, 101, 101, 101],
                       [102, 102, 100, 101, 101, 101],
                       [102, 102, 0, 101, 103, 103],
                       [102, 102, 101, 101, 103, 0]])
    ann_file, seg_prefix = _write_gt(str(tmp_path), {IMG_ID: GT_IDS, 'bochum_000001': second})
    pred_a = PERFECT.copy()
    pred_a[2:, 2] = CAR + OFFSET             # car grows into the road: car IoU 4/6, road IoU 2/4 (not > 0.5)
    pred_a[3, 4:] = VOID
    pred_b = np.full(second.shape, ROAD)
    pred_b[:2, :3] = SKY
    pred_b[1:, :2] = PERSON + 5 * OFFSET     # wrong class on the car
    pred_b[2:, 4:] = PERSON + 6 * OFFSET
    pred_b[0, 5] = CAR + 7 * OFFSET          # a small false positive
    out = tmp_path / 'out'
    metric = CityscapesPanopticMetric(ann_file, seg_prefix, output_dir=str(out))
    results = _evaluate(metric, [_sample(IMG_ID, pred_a), _sample('bochum_000001', pred_b)])
    pred_json, pred_folder = str(out / 'panoptic.json'), str(out / 'panoptic')
    functional = evaluate_coco_panoptic(ann_file, pred_json, seg_prefix, pred_folder, progress=False)
    reference = pq_compute(ann_file, pred_json, seg_prefix, pred_folder)
    for key, value in results.items():
        name = key.split('/')[1]
        assert value == pytest.approx(functional[name])
        split = {'': 'All', '_th': 'Things', '_st': 'Stuff'}[name[2:]]
        assert value == pytest.approx(100 * reference[split][name[:2].lower()])
    assert 0 < results['cityscapes_panoptic/PQ'] < 100


def test_unknown_img_id_is_named(gt_files):
    metric = CityscapesPanopticMetric(*gt_files)
    with pytest.raises(EvalInputError, match="img_id 'nowhere_000000'"):
        metric.process({}, [_sample('nowhere_000000', PERFECT)])


def test_dataset_class_count_must_match_json(gt_files):
    metric = CityscapesPanopticMetric(*gt_files)
    metric.dataset_meta = {'thing_classes': ['car'], 'stuff_classes': ['road']}
    with pytest.raises(EvalInputError, match='4 categories, but the dataset has 2 classes'):
        metric.process({}, [_sample(IMG_ID, PERFECT)])


@pytest.mark.parametrize('config', ['m2ov_val/eval_m2_convl_300q_ov_cityscapes.py',
                                    'toy/omg_toy_eval_cityscapes.py'])
def test_eval_configs_use_the_metric(config):
    cfg = Config.fromfile(os.path.join(os.path.dirname(seg_package.__file__), 'configs', config))
    assert cfg.test_evaluator.type == 'CityscapesPanopticMetric'
    assert cfg.test_evaluator.ann_file.endswith('cityscapes/annotations/cityscapes_panoptic_val_trainId.json')
    assert cfg.test_dataloader.batch_size == 2 and cfg.test_dataloader.sampler.shuffle is False
    assert cfg.test_dataloader.dataset.type == 'CityscapesPanopticDataset'
    assert cfg.train_dataloader is None and cfg.val_dataloader is None
    assert cfg.test_cfg == dict(type='TestLoop')
    assert cfg.model.panoptic_head.num_things_classes == 8
    assert cfg.model.test_cfg.panoptic_on and not cfg.model.test_cfg.instance_on
