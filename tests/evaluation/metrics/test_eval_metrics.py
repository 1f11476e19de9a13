"""mmengine metrics: hand values, registry build, and equality with the offline evaluators on their files."""
import json
import zipfile

import numpy as np
import pytest
import torch
from eval_fixtures import box_mask, write_davis, write_vipseg, write_ytvis_gt
from mmdet.registry import METRICS
from mmdet.structures import DetDataSample, TrackDataSample
from mmengine.structures import InstanceData, PixelData

import seg  # noqa: F401  (registers the metrics)
from seg.evaluation.functional import evaluate_davis, evaluate_vps, evaluate_ytvis
from seg.evaluation.metrics.output_dir import resolve_output_dir

LABEL = np.array([[0, 0, 1, 1], [255, 1, 2, 2]])
PRED = np.array([[0, 1, 1, 1], [0, 1, 2, 0]])


def _sem_sample(pred, label, name='a.jpg'):
    sample = DetDataSample(metainfo={'img_path': f'/data/{name}'})
    sample.pred_sem_seg = PixelData(sem_seg=torch.as_tensor(pred)[None])
    sample.gt_sem_seg = PixelData(sem_seg=torch.as_tensor(label)[None])
    return sample.to_dict()


def test_sem_seg_metric_hand_values_and_png_export(tmp_path):
    metric = METRICS.build(dict(type='SemSegIoUMetric', num_classes=3, output_dir=str(tmp_path / 'sem')))
    metric.process({}, [_sem_sample(PRED, LABEL), _sem_sample(LABEL, LABEL, 'b.jpg')])
    result = metric.evaluate(2)
    assert result['sem_seg/aAcc'] == pytest.approx(100 * 12 / 14)
    assert sorted(p.name for p in (tmp_path / 'sem').iterdir()) == ['a.png', 'b.png']


def test_sem_seg_metric_counts_every_frame_of_a_video(tmp_path):
    """VSS: a video sample (``video_data_samples``) contributes each frame; PNGs go to <video>/<frame>."""
    metric = METRICS.build(dict(type='SemSegIoUMetric', num_classes=3, output_dir=str(tmp_path / 'vss')))
    frames = [_sem_sample(PRED, LABEL, 'vid1/00000.jpg'), _sem_sample(LABEL, LABEL, 'vid1/00001.jpg')]
    metric.process({}, [{'video_data_samples': frames}])
    result = metric.evaluate(1)
    assert result['sem_seg/aAcc'] == pytest.approx(100 * 12 / 14)  # same pixels as the two-image case
    assert sorted(p.name for p in (tmp_path / 'vss' / 'vid1').iterdir()) == ['00000.png', '00001.png']


def test_relative_output_dir_needs_a_work_dir():
    import uuid

    from mmengine.logging import MMLogger
    MMLogger.get_instance(f'seg_no_log_file_{uuid.uuid4().hex}')  # newest = current logger, no log file
    with pytest.raises(ValueError, match='relative but no runner work dir'):
        resolve_output_dir('vipseg_output')


def test_relative_output_dir_is_inside_the_run_work_dir(tmp_path):
    from mmengine.logging import MMLogger
    name = 'seg_eval_output_dir_test'
    (tmp_path / 'work' / '20260101_000000').mkdir(parents=True)
    logger = MMLogger.get_instance(name, log_file=str(tmp_path / 'work' / '20260101_000000' / 'run.log'))
    try:
        assert resolve_output_dir('vipseg_output') == str(tmp_path / 'work' / 'vipseg_output')
        assert resolve_output_dir('/abs/dir') == '/abs/dir' and resolve_output_dir(None) is None
    finally:
        for handler in list(logger.handlers):
            handler.close()
            logger.removeHandler(handler)
        MMLogger._instance_dict.pop(name, None)


def test_interactive_iou_metric():
    metric = METRICS.build(dict(type='InteractiveIoUMetric'))
    gt = torch.zeros(2, 4, 4, dtype=torch.bool)
    gt[0, :2, :2] = True
    gt[1] = True
    pred = gt.clone()
    pred[1, 2:] = False                     # IoU 0.5
    samples = []
    for masks_pred in (pred, None):
        sample = DetDataSample()
        sample.gt_instances = InstanceData(masks=gt, labels=torch.zeros(2, dtype=torch.long))
        if masks_pred is not None:
            sample.pred_instances = InstanceData(masks=masks_pred)
        samples.append(sample.to_dict())
    metric.process({}, samples)
    result = metric.evaluate(2)
    assert result['interactive/mIoU'] == pytest.approx(100 * 1.5 / 4)
    assert result['interactive/num_prompts'] == 4


# --- video panoptic: thing label 0 on the left half, stuff label 1 on the right half, 3 frames
LEFT = np.array([[1, 1, 0, 0], [1, 1, 0, 0]], bool)


def _video_frame(video, index, thing_instance):
    frame = DetDataSample(metainfo={'img_path': f'/data/{video}/{index:08d}.jpg'})
    pan = np.where(LEFT, 0 + thing_instance * 1000, 1)
    pan[0, 3] = 2                            # one void pixel in the prediction (label 2 = num_classes)
    frame.pred_track_panoptic_seg = PixelData(sem_seg=torch.as_tensor(pan)[None])
    sem = np.where(LEFT, 0, 1)
    sem[1, 3] = 65535                        # void in the GT
    frame.gt_sem_seg = PixelData(sem_seg=torch.as_tensor(sem)[None])
    frame.gt_instances = InstanceData(masks=torch.as_tensor(LEFT)[None], labels=torch.tensor([0]),
                                      instances_ids=torch.tensor([7]))
    return frame


def _gt_files(tmp_path, videos):
    cats = [{'id': 0, 'name': 't', 'isthing': 1}, {'id': 1, 'name': 's', 'isthing': 0}]
    frames = []
    for _ in range(3):
        ids = np.where(LEFT, 1, 2)
        ids[1, 3] = 0
        frames.append((ids, {1: (0, 0), 2: (1, 0)}))
    return write_vipseg(str(tmp_path / 'VIPSeg'), {v: frames for v in videos}, cats)


def test_video_panoptic_metric_equals_offline_evaluation_of_its_export(tmp_path):
    metric = METRICS.build(dict(type='VideoPanopticMetric', windows=(1, 2),
                                output_dir=str(tmp_path / 'submission')))
    metric.dataset_meta = {'thing_classes': ['t'], 'stuff_classes': ['s']}
    videos = {'v1': [1, 1, 2], 'v2': [3, 3, 3]}
    samples = []
    for video, instances in videos.items():
        track = TrackDataSample()
        track.video_data_samples = [_video_frame(video, i, k) for i, k in enumerate(instances)]
        samples.append(track.to_dict())
    metric.process({}, samples)
    online = metric.evaluate(2)
    offline = evaluate_vps(_gt_files(tmp_path, videos), str(tmp_path / 'submission'), windows=(1, 2),
                           progress=False)
    for key, value in offline.items():
        assert online[f'vps/{key}'] == pytest.approx(value), key
    assert online['vps/VPQ_th@1'] == pytest.approx(100)
    # stuff: 3 GT px, 3 predicted px, 2 shared, 1 predicted px on GT void -> IoU 2 / (3 + 3 - 2 - 1)
    assert online['vps/VPQ_st@1'] == pytest.approx(100 * 2 / 3)
    assert online['vps/VPQ_th@2'] < online['vps/VPQ_th@1']          # the identity switch in v1 costs VPQ@2


# --- YouTube-VIS: one video of 3 frames, GT track of category 0 that leaves in frame 3
def _vis_frame(index, gt_mask, pred_masks, pred_ids, scores):
    frame = DetDataSample(metainfo={'video_id': 5, 'ori_shape': (10, 10), 'img_path': f'/v/{index}.jpg'})
    if gt_mask is not None:
        frame.gt_instances = InstanceData(masks=torch.as_tensor(gt_mask)[None], labels=torch.tensor([0]),
                                          instances_ids=torch.tensor([1]))
    frame.pred_track_instances = InstanceData(masks=torch.as_tensor(np.stack(pred_masks)),
                                              labels=torch.zeros(len(pred_masks), dtype=torch.long),
                                              scores=torch.tensor(scores),
                                              instances_id=torch.tensor(pred_ids))
    return frame


def test_video_instance_metric_exports_results_and_matches_offline(tmp_path):
    a, b = box_mask(10, 10, 0, 2, 0, 5), box_mask(10, 10, 6, 9, 6, 9)
    frames = [_vis_frame(0, a, [a, b], [1, 2], [0.9, 0.3]), _vis_frame(1, a, [a, b], [1, 2], [0.7, 0.3]),
              _vis_frame(2, None, [a], [1], [0.8])]
    track = TrackDataSample()
    track.video_data_samples = frames
    metric = METRICS.build(dict(type='VideoInstanceAPMetric', output_dir=str(tmp_path / 'out')))
    metric.dataset_meta = {'classes': ['t']}
    metric.process({}, [track.to_dict()])
    online = metric.evaluate(1)
    results = json.loads((tmp_path / 'out' / 'results.json').read_text())
    assert sorted(r['score'] for r in results) == pytest.approx([0.3, 0.8])
    assert results[0]['category_id'] == 1 and results[0]['segmentations'][2] is not None
    with zipfile.ZipFile(tmp_path / 'out' / 'results.submission_file.zip') as zf:
        assert json.loads(zf.read('results.json')) == results
    gt = write_ytvis_gt(str(tmp_path / 'gt.json'), [(5, 10, 10, 3)], [(5, 1, [a, a, None], 0)],
                        [{'id': 1, 'name': 't'}])
    offline = evaluate_ytvis(gt, str(tmp_path / 'out' / 'results.json'))
    for key, value in offline.items():
        assert online[f'ytvis/{key}'] == pytest.approx(value), key
    # the top track is present in frame 3 where the GT is absent: IoU 20/30 -> AP = 40
    assert online['ytvis/AP'] == pytest.approx(40)


# --- DAVIS: objects given by their palette-colour codes (index 1 = (128, 0, 0), 2 = (0, 128, 0))
CODES = {1: 128_000_000, 2: 128_000}


def _davis_maps():
    frame = np.zeros((10, 10), np.uint8)
    frame[2:6, 2:6] = 1
    frame[8:10, 0:3] = 2
    late = np.where(frame == 2, 0, frame).astype(np.uint8)
    gt = [frame, frame, late, late]
    pred = [m.copy() for m in gt]
    pred[1][pred[1] == 2] = 0
    return gt, pred


def test_davis_metric_exports_pngs_and_matches_offline(tmp_path):
    gt, pred = _davis_maps()
    frames = []
    for index, (g, p) in enumerate(zip(gt, pred)):
        frame = DetDataSample(metainfo={'img_path': f'/DAVIS/JPEGImages/480p/seqA/{index:05d}.jpg'})
        frame.pred_track_proposal = torch.as_tensor(np.vectorize(lambda v: CODES.get(v, 0))(p))
        ids = [k for k in (1, 2) if (g == k).any()]
        frame.gt_instances = InstanceData(masks=torch.as_tensor(np.stack([g == k for k in ids])),
                                          instances_ids=torch.tensor([CODES[k] for k in ids]),
                                          labels=torch.zeros(len(ids), dtype=torch.long))
        frames.append(frame)
    track = TrackDataSample()
    track.video_data_samples = frames
    metric = METRICS.build(dict(type='DAVISMetric', output_dir=str(tmp_path / 'res')))
    metric.process({}, [track.to_dict()])
    online = metric.evaluate(1)
    assert online['davis/J&F'] == pytest.approx(75) and online['davis/J_decay'] == pytest.approx(-50)
    root = write_davis(str(tmp_path / 'DAVIS'), {'seqA': gt})
    offline = evaluate_davis(root, str(tmp_path / 'res'), progress=False)
    for key in ('J&F', 'J_mean', 'J_recall', 'J_decay', 'F_mean', 'F_recall', 'F_decay'):
        assert online[f'davis/{key}'] == pytest.approx(offline[key]), key
