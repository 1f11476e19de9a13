"""VideoPredictor on the toy checkpoint: VPS / VIS over frames or a stream, VOS from first-frame masks."""
import numpy as np
import pytest
from PIL import Image

from seg.apis import VideoPredictor
from seg.apis.video_predictor import frame_files


@pytest.fixture(scope='module')
def frames(toy_workspace) -> list[np.ndarray]:
    paths = frame_files(toy_workspace.davis_video)[:4]
    return [np.asarray(Image.open(path).convert('RGB')) for path in paths]


@pytest.fixture(scope='module')
def predictor(toy_workspace) -> VideoPredictor:
    return VideoPredictor.from_config(toy_workspace.config, toy_workspace.checkpoint, 'cpu',
                                      cfg_options=toy_workspace.cfg_options)


def test_video_instances_keep_their_track_and_class(predictor, frames):
    results = predictor.propagate(predictor.init_state(frames), 'instance', score_thr=-1.0)
    assert len(results) == len(frames)
    labels_of_track = {}
    for result in results:
        assert result['masks'].shape[1:] == frames[0].shape[:2]
        for track, label in zip(result['track_ids'], result['labels']):
            assert labels_of_track.setdefault(int(track), int(label)) == label
    assert [sorted(r['track_ids']) for r in results] == [sorted(results[0]['track_ids'])] * len(frames)


def test_stream_of_frames_equals_whole_video(predictor, frames, toy_workspace):
    state = predictor.init_state()
    assert predictor.add_frames(state, frames[:2]) == 2
    assert predictor.add_frames(state, frames[2:]) == len(frames)
    streamed = predictor.propagate(state, 'panoptic')
    whole = predictor.propagate(predictor.init_state(frames), 'panoptic')
    for a, b in zip(streamed, whole):
        assert a['panoptic_seg'].shape == frames[0].shape[:2]
        assert (a['panoptic_seg'] == b['panoptic_seg']).all()
    semantic = predictor.propagate(state, 'semantic')
    assert all(r['sem_seg'].shape == frames[0].shape[:2] for r in semantic)
    with pytest.raises(ValueError, match='task'):
        predictor.propagate(state, 'depth')


def test_vos_needs_the_vos_detector(predictor, frames):
    state = predictor.init_state(frames)
    with pytest.raises(NotImplementedError, match='vos_mode'):
        predictor.propagate_masks(state, np.ones((1, *frames[0].shape[:2]), dtype=bool))


def test_vos_follows_first_frame_objects(toy_workspace, frames):
    predictor = VideoPredictor.from_config(toy_workspace.config, toy_workspace.checkpoint, 'cpu',
                                           cfg_options=toy_workspace.cfg_options, vos_mode='prompt')
    id_map = np.asarray(Image.open(toy_workspace.davis_first_mask))
    ids = [int(i) for i in np.unique(id_map) if i]
    masks = np.stack([id_map == i for i in ids])
    state = predictor.init_state(frames)
    results = predictor.propagate_masks(state, masks, [i * 10 for i in ids])
    assert len(results) == len(frames)
    first = results[0]
    assert (first['id_map'] == np.where(id_map > 0, id_map * 10, 0)).all()  # the given masks
    for result in results:
        assert set(np.unique(result['id_map'])) <= {0, *[i * 10 for i in ids]}
        assert result['masks'].shape == (len(ids), *frames[0].shape[:2])
    with pytest.raises(ValueError, match='shape'):
        predictor.propagate_masks(state, masks[:, :10])
    with pytest.raises(ValueError, match='distinct positive'):
        predictor.propagate_masks(state, masks, [0] * len(ids))


def test_frames_of_another_size_are_rejected(predictor, frames):
    state = predictor.init_state(frames[:1])
    with pytest.raises(ValueError, match='size'):
        predictor.add_frames(state, [frames[0][:50]])
