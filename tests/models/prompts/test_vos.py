"""DAVIS-style VOS: the reference proposal-matching protocol and prompt propagation on toy videos."""
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmdet.registry import DATASETS
from mmdet.structures import DetDataSample, TrackDataSample
from mmdet.structures.mask import BitmapMasks
from mmengine.config import Config
from mmengine.structures import InstanceData

from seg.evaluation.metrics import DAVISMetric
from tests.models.model_test_utils import REPO_ROOT
from tests.models.prompts.prompt_test_utils import build_interactive_model

SIZE = 32


def _video(masks_per_frame: list[np.ndarray], ids=(5, 9)) -> tuple[torch.Tensor, TrackDataSample]:
    """Preprocessed-looking frames (T, 3, 32, 32) and a TrackDataSample whose frames hold the GT objects."""
    samples = []
    for index, masks in enumerate(masks_per_frame):
        sample = DetDataSample(metainfo=dict(img_shape=(SIZE, SIZE), ori_shape=(SIZE, SIZE),
                                             batch_input_shape=(SIZE, SIZE), img_path=f'v/{index:05d}.jpg'))
        sample.gt_instances = InstanceData(labels=torch.zeros(len(masks), dtype=torch.long),
                                           masks=BitmapMasks(masks, SIZE, SIZE),
                                           instances_ids=torch.tensor(ids))
        samples.append(sample)
    video = TrackDataSample()
    video.video_data_samples = samples
    return torch.zeros(len(masks_per_frame), 3, SIZE, SIZE), video


def _box(y1, y2, x1, x2) -> np.ndarray:
    mask = np.zeros((SIZE, SIZE), np.uint8)
    mask[y1:y2, x1:x2] = 1
    return mask


class _FakeTracker:
    """Stands in for MinVIS tracking: fixed video-level objectness and per-frame query mask logits."""

    def __init__(self, objectness, frame_masks):
        self.objectness = torch.tensor(objectness)
        self._frames = [torch.from_numpy(np.stack(m)).float() * 20 - 10 for m in frame_masks]

    def frame_masks(self, frame):
        return self._frames[frame]


def test_reference_protocol_matches_first_frame_objects_to_top_objectness_queries(monkeypatch):
    model = build_interactive_model(type='OMGSegVOS', vos_mode='proposal', num_proposals=3)
    gt0 = [_box(2, 12, 2, 12), _box(18, 30, 18, 30)]  # objects 5 and 9
    empty = _box(0, 0, 0, 0)
    # query 0 = object 5; query 1 would be perfect for object 9 but has the lowest objectness (not in the
    # top 3); query 3 overlaps object 9 best among the rest; query 2 is empty
    frame0 = [gt0[0], gt0[1], empty, _box(16, 30, 18, 30)]
    frame1 = [_box(4, 14, 4, 14), _box(20, 30, 20, 30), empty, _box(10, 30, 10, 30)]  # q3 overlaps q0
    tracker = _FakeTracker([2.0, -5.0, 0.0, 1.0], [frame0, frame1])
    monkeypatch.setattr(model, 'track_video', lambda frames, samples: tracker)
    frames, video = _video([np.stack(gt0), np.stack(gt0)])
    model.segment_video(frames, video)
    first, second = (f.pred_track_proposal for f in video.video_data_samples)
    expected0 = np.zeros((SIZE, SIZE), np.int64)
    expected0[_box(16, 30, 18, 30) > 0] = 9
    expected0[gt0[0] > 0] = 5
    assert np.array_equal(first.numpy(), expected0)
    # frame 1: query 3 (object 9, lower objectness) is painted first, query 0 (object 5) wins the overlap
    expected1 = np.zeros((SIZE, SIZE), np.int64)
    expected1[10:30, 10:30] = 9
    expected1[4:14, 4:14] = 5
    assert np.array_equal(second.numpy(), expected1)


def test_prompt_propagation_prompts_each_frame_with_the_previous_masks_and_keeps_ids(monkeypatch):
    model = build_interactive_model(type='OMGSegVOS', vos_mode='prompt')
    seen_boxes = []

    def fake_prompt_frame(frame, meta, masks):
        """Oracle: every prompted object moves 2 px right; object index 1 vanishes in frame 2."""
        seen_boxes.append(model.object_prompts(masks).bboxes.clone())
        moved = torch.roll(masks, shifts=2, dims=-1).float()
        if len(seen_boxes) == 2:
            moved[1] = 0
        return moved

    monkeypatch.setattr(model, 'prompt_frame', fake_prompt_frame)
    gt0 = np.stack([_box(2, 10, 2, 10), _box(20, 28, 4, 12)])
    frames, video = _video([gt0] * 4, ids=(3, 7))
    model.segment_video(frames, video)
    maps = [f.pred_track_proposal for f in video.video_data_samples]
    assert seen_boxes[0].tolist() == [[2., 2., 10., 10.], [4., 20., 12., 28.]]  # boxes of the GT masks
    assert seen_boxes[1].tolist() == [[4., 2., 12., 10.], [6., 20., 14., 28.]]  # previous predictions
    # the vanished object is prompted again from its last mask and comes back with its id
    assert seen_boxes[2].tolist() == [[6., 2., 14., 10.], [6., 20., 14., 28.]]
    assert set(maps[2].unique().tolist()) == {0, 3}
    assert (maps[3][20:28, 8:16] == 7).all() and (maps[3][2:10, 8:16] == 3).all()
    assert set(maps[0].unique().tolist()) == {0, 3, 7}


def test_vos_modes_validate_their_settings():
    with pytest.raises(ValueError, match='vos_mode'):
        build_interactive_model(type='OMGSegVOS', vos_mode='memory')
    with pytest.raises(ValueError, match='prompt_kinds'):
        build_interactive_model(type='OMGSegVOS', vos_mode='prompt', prompt_kinds=('scribble',))


@pytest.fixture(scope='module')
def toy_davis_root(tmp_path_factory):
    out = tmp_path_factory.mktemp('toy')
    script = REPO_ROOT / 'tools' / 'dataset_convert' / 'make_toy_data.py'
    subprocess.run([sys.executable, str(script), '--out', str(out), '--seed', '0', '--datasets', 'davis'],
                   check=True, cwd=REPO_ROOT, capture_output=True)
    return out / 'DAVIS'


@pytest.mark.parametrize('mode', ['proposal', 'prompt'])
def test_toy_davis_videos_give_palette_pngs_with_first_frame_ids(toy_davis_root, tmp_path, mode):
    cfg = Config.fromfile(str(REPO_ROOT / 'seg/configs/_base_/datasets/toy_davis.py'))
    dataset_cfg = cfg.test_dataloader.dataset
    dataset_cfg.data_root = str(toy_davis_root) + '/'
    dataset = DATASETS.build(dataset_cfg)
    model = build_interactive_model(type='OMGSegVOS', vos_mode=mode)
    model.eval()
    metric = DAVISMetric(id_encoding='index', output_dir=str(tmp_path / 'DAVIS'))
    item = dataset[0]
    with torch.no_grad():
        video = model.test_step(dict(inputs=[item['inputs']], data_samples=[item['data_samples']]))[0]
    frames = video.video_data_samples
    first_ids = set(frames[0].gt_instances.instances_ids.tolist())
    for frame in frames:
        assert frame.pred_track_proposal.shape == tuple(frame.metainfo['ori_shape'][:2])
        assert set(frame.pred_track_proposal.unique().tolist()) <= first_ids | {0}
    metric.process({}, [video])
    scores = metric.compute_metrics(metric.results)
    assert 0 <= scores['J&F'] <= 100
    video_name = frames[0].metainfo['img_path'].split('/')[-2]
    assert len(list((tmp_path / 'DAVIS' / video_name).glob('*.png'))) == len(frames)
