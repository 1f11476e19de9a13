"""VideoPredictor's SAM 2 style object API on the toy checkpoint: objects added on any frame, both
directions, streams, the feature window, prompt rules, and agreement with the VOS detector's prompt mode."""
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from seg.apis import FrameObjects, VideoPredictor
from seg.apis.video_predictor import frame_files

NUM_FRAMES = 8


def annotation(toy_workspace, frame_idx: int) -> np.ndarray:
    """Object-id map (H, W) of frame ``frame_idx`` of the toy DAVIS video."""
    folder = Path(str(toy_workspace.davis_video).replace('JPEGImages', 'Annotations'))
    return np.asarray(Image.open(folder / f'{frame_idx:05d}.png'))


@pytest.fixture(scope='module')
def frames(toy_workspace) -> list[np.ndarray]:
    paths = frame_files(toy_workspace.davis_video)[:NUM_FRAMES]
    return [np.asarray(Image.open(path).convert('RGB')) for path in paths]


@pytest.fixture(scope='module')
def predictor(toy_workspace) -> VideoPredictor:
    return VideoPredictor.from_config(toy_workspace.config, toy_workspace.checkpoint, 'cpu',
                                      cfg_options=toy_workspace.cfg_options)


@pytest.fixture(scope='module')
def masks(toy_workspace) -> dict[int, np.ndarray]:
    """Object 1's mask on frame 0 and object 2's on frame 5 (toy GT)."""
    return {1: annotation(toy_workspace, 0) == 1, 2: annotation(toy_workspace, 5) == 2}


def segmented_frames(state, obj_id: int) -> list[int]:
    return sorted(state.objects[obj_id].masks)


def test_object_added_on_frame_5_is_tracked_from_5_on_and_back_with_reverse(predictor, frames, masks):
    state = predictor.init_state(frames)
    predictor.add_new_mask(state, 0, 1, masks[1])
    added = predictor.add_new_mask(state, 5, 2, masks[2])
    assert added.frame_idx == 5 and added.obj_ids == [1, 2]
    assert (added.masks[1] == masks[2]).all()
    forward = list(predictor.propagate_in_video(state))
    assert [result.frame_idx for result in forward] == list(range(NUM_FRAMES))
    assert (forward[5].masks[1] == masks[2]).all()
    assert not any(result.masks[1].any() for result in forward[:5])
    assert segmented_frames(state, 1) == list(range(NUM_FRAMES))
    assert segmented_frames(state, 2) == [5, 6, 7]
    backward = list(predictor.propagate_in_video(state, reverse=True))  # from the last prompted frame
    assert [result.frame_idx for result in backward] == [5, 4, 3, 2, 1, 0]
    assert (backward[0].masks[1] == masks[2]).all()
    assert segmented_frames(state, 2) == list(range(NUM_FRAMES))
    first = backward[-1]
    assert (first.masks[0] == masks[1]).all()  # object 1 is given there
    frame_idx, obj_ids, frame_masks, class_names, scores = first
    assert frame_masks.shape == (2, *frames[0].shape[:2]) and frame_masks.dtype == bool
    assert all(name in predictor.class_names for name in class_names)
    assert ((scores > 0) & (scores <= 1)).all()
    assert not (frame_masks[0] & frame_masks[1]).any()  # a pixel belongs to one object


def test_generator_yields_each_frame_when_done(predictor, frames, masks):
    state = predictor.init_state(frames)
    predictor.add_new_mask(state, 2, 1, masks[1])
    results = predictor.propagate_in_video(state, max_frame_num_to_track=3)
    first = next(results)
    assert isinstance(first, FrameObjects) and first.frame_idx == 2
    assert segmented_frames(state, 1) == [2]  # nothing beyond the yielded frame is computed yet
    assert [result.frame_idx for result in results] == [3, 4, 5]  # as SAM 2: the start + 3 more
    reverse = predictor.propagate_in_video(state, start_frame_idx=4, max_frame_num_to_track=1, reverse=True)
    assert [result.frame_idx for result in reverse] == [4, 3]


def test_same_masks_as_the_vos_detector_prompt_mode(toy_workspace, frames):
    vos = VideoPredictor.from_config(toy_workspace.config, toy_workspace.checkpoint, 'cpu',
                                     cfg_options=toy_workspace.cfg_options, vos_mode='prompt')
    id_map = annotation(toy_workspace, 0)
    ids = [int(i) for i in np.unique(id_map) if i]
    expected = vos.propagate_masks(vos.init_state(frames), np.stack([id_map == i for i in ids]), ids)
    state = vos.init_state(frames)
    for obj_id in ids:
        vos.add_new_mask(state, 0, obj_id, id_map == obj_id)
    for result, reference in zip(vos.propagate_in_video(state), expected, strict=True):
        assert result.obj_ids == ids
        assert (result.masks == reference['masks']).all(), f'frame {result.frame_idx}'


def test_object_added_after_propagation(predictor, frames, masks):
    state = predictor.init_state(frames)
    predictor.add_new_mask(state, 0, 1, masks[1])
    list(predictor.propagate_in_video(state))
    ys, xs = np.nonzero(masks[2])
    click = [[float(xs.mean()), float(ys.mean())]]
    added = predictor.add_new_points_or_box(state, 3, 7, points=click, labels=[1])
    assert added.obj_ids == [1, 7]
    assert added.masks[0].any() and added.class_names[1] in predictor.class_names  # stored mask of object 1
    results = list(predictor.propagate_in_video(state, start_frame_idx=3))
    assert [result.frame_idx for result in results] == [3, 4, 5, 6, 7]
    assert segmented_frames(state, 7) == [3, 4, 5, 6, 7]
    assert segmented_frames(state, 1) == list(range(NUM_FRAMES))
    box = [float(xs.min()), float(ys.min()), float(xs.max()) + 1, float(ys.max()) + 1]
    by_pixels = predictor.add_new_points_or_box(state, 4, 8, box=box)
    height, width = frames[0].shape[:2]
    relative = np.asarray(box) / [width, height, width, height]
    by_fraction = predictor.add_new_points_or_box(state, 4, 8, box=relative, normalize_coords=False)
    assert (by_pixels.masks == by_fraction.masks).all()


def test_remove_object_and_reset_state(predictor, frames, masks):
    state = predictor.init_state(frames, feature_window=4)
    predictor.add_new_mask(state, 0, 1, masks[1])
    predictor.add_new_mask(state, 5, 2, masks[2])
    assert predictor.remove_object(state, 1) == [2]
    assert predictor.remove_object(state, 99) == [2]
    with pytest.raises(KeyError, match='no object 99'):
        predictor.remove_object(state, 99, strict=True)
    results = list(predictor.propagate_in_video(state))
    assert [r.frame_idx for r in results] == [5, 6, 7] and all(r.obj_ids == [2] for r in results)
    encoded = state.features.encoded
    predictor.reset_state(state)
    assert state.obj_ids == [] and len(state.features) == 4  # features of held frames stay
    with pytest.raises(RuntimeError, match='no objects to track'):
        next(predictor.propagate_in_video(state))
    predictor.add_new_mask(state, 7, 3, masks[2])  # frame 7 is held: not encoded again
    assert state.features.encoded == encoded


def test_stream_continues_without_recomputing(predictor, frames, masks):
    state = predictor.init_state()
    for frame in frames[:3]:
        predictor.add_frame(state, frame)
    predictor.add_new_mask(state, 0, 1, masks[1])
    assert [r.frame_idx for r in predictor.propagate_in_video(state)] == [0, 1, 2]
    assert predictor.add_frames(state, frames[3:6]) == 6
    streamed = list(predictor.propagate_in_video(state, start_frame_idx=3))
    assert [r.frame_idx for r in streamed] == [3, 4, 5]
    assert state.features.encoded == 6  # every frame once
    whole = predictor.init_state(frames[:6])
    predictor.add_new_mask(whole, 0, 1, masks[1])
    for a, b in zip(streamed, list(predictor.propagate_in_video(whole))[3:], strict=True):
        assert (a.masks == b.masks).all()


def test_features_are_held_for_the_window_only(predictor, toy_workspace, masks):
    state = predictor.init_state(toy_workspace.davis_video, feature_window=2)  # a folder: frames read lazily
    assert state.num_frames == NUM_FRAMES
    predictor.add_new_mask(state, 0, 1, masks[1])
    for _ in predictor.propagate_in_video(state):
        assert len(state.features) <= 2
    assert state.features.peak == 2 and state.features.frames == [6, 7]
    assert state.features.encoded == NUM_FRAMES
    predictor.add_new_mask(state, 7, 1, masks[1])  # frame 7 is held: not encoded again
    list(predictor.propagate_in_video(state, reverse=True))  # from frame 7 back to 0
    assert state.features.encoded == NUM_FRAMES + 6  # frames 7 and 6 were held
    assert state.features.peak == 2


def test_prompt_rules_of_the_one_prompt_model(predictor, frames):
    state = predictor.init_state(frames[:2])
    published = 'but this model encodes one positive click or one box per prompt'
    cases = [
        (dict(points=[[10, 10], [20, 20]], labels=[1, 0]),
         f'object 1: prompt 0 has a negative click, {published}'),
        (dict(points=[[10, 10], [20, 20]], labels=[1, 1]), f'object 1: prompt 0 has 2 clicks, {published}'),
        (dict(points=[[10, 10]], labels=[1], box=[0, 0, 30, 30]), 'prompt 0 has a box and 1 click'),
        (dict(points=[[10, 10]], labels=[0]), 'at least one positive click'),
        (dict(labels=[1], box=[0, 0, 30, 30]), 'labels given without points'),
        (dict(points=[[10, 10]], labels=[2]), r'1 \(positive\) or 0'),
        (dict(box=[0, 0, 30, 900]), r'box \[0.0, 0.0, 30.0, 900.0\] lies outside the frame'),
        (dict(), 'give points'),
    ]
    for prompt, message in cases:
        with pytest.raises(ValueError, match=message):
            predictor.add_new_points_or_box(state, 0, 1, **prompt)
    assert state.obj_ids == []  # nothing was added
    predictor.add_new_points_or_box(state, 0, 1, points=[[10, 10]])  # labels default to positive
    with pytest.raises(ValueError, match='prompt 0 has 2 clicks'):  # added to the first click
        predictor.add_new_points_or_box(state, 0, 1, points=[[12, 12]], labels=[1], clear_old_points=False)
    with pytest.raises(IndexError, match='frame_idx 2'):
        predictor.add_new_points_or_box(state, 2, 1, points=[[10, 10]], labels=[1])
    with pytest.raises(ValueError, match='must have shape'):
        predictor.add_new_mask(state, 0, 2, np.ones((10, 10), dtype=bool))
    with pytest.raises(ValueError, match='is empty'):
        predictor.add_new_mask(state, 0, 2, np.zeros(frames[0].shape[:2], dtype=bool))


def test_click_set_model_takes_several_and_negative_clicks(toy_workspace, frames, masks):
    options = dict(toy_workspace.cfg_options,
                   **{'model.panoptic_head.prompt_encoder': dict(type='ClickSetPromptEncoder')})
    with pytest.warns(UserWarning, match='non-strictly'):  # the toy checkpoint has no click-set parameters
        clicks = VideoPredictor.from_config(toy_workspace.config, toy_workspace.checkpoint, 'cpu',
                                            cfg_options=options, strict=False)
    state = clicks.init_state(frames[:3])
    ys, xs = np.nonzero(masks[1])
    inside, outside = [float(xs.mean()), float(ys.mean())], [1.0, 1.0]
    clicks.add_new_points_or_box(state, 0, 1, points=[inside, outside], labels=[1, 0])
    clicks.add_new_points_or_box(state, 0, 1, points=[inside], labels=[1], clear_old_points=False)
    prompt = state.objects[1].conditions[0].prompt
    assert prompt.labels.tolist() == [1, 0, 1] and prompt.points.shape == (3, 2)
    assert [r.frame_idx for r in clicks.propagate_in_video(state)] == [0, 1, 2]


def test_model_without_prompt_queries_says_so(toy_workspace, frames):
    options = dict(toy_workspace.cfg_options, **{'model.panoptic_head.enable_box_query': False})
    plain = VideoPredictor.from_config(toy_workspace.config, toy_workspace.checkpoint, 'cpu',
                                       cfg_options=options, strict=False)
    with pytest.raises(ValueError, match='no prompt'):
        plain.add_new_points_or_box(plain.init_state(frames[:1]), 0, 1, points=[[5, 5]], labels=[1])


def test_labels_follow_the_vocabulary(predictor, frames, masks):
    state = predictor.init_state(frames[:3])
    predictor.add_new_mask(state, 0, 1, masks[1])
    try:
        predictor.set_classes(['airplane', 'boat'])
        results = list(predictor.propagate_in_video(state))
        assert all(name in ('airplane', 'boat') for r in results for name in r.class_names)
    finally:
        predictor.reset_classes()
    assert list(predictor.propagate_in_video(state))[0].class_names[0] in predictor.class_names


def test_video_file_is_a_video(predictor, frames, masks, tmp_path):
    import cv2
    path = tmp_path / 'clip.avi'
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'MJPG'), 5, (width, height))
    for frame in frames[:3]:
        writer.write(np.ascontiguousarray(frame[..., ::-1]))
    writer.release()
    state = predictor.init_state(path)
    assert state.num_frames == 3 and state.frames.original_size == (height, width)
    predictor.add_new_mask(state, 1, 1, masks[1])
    assert [r.frame_idx for r in predictor.propagate_in_video(state, reverse=True)] == [1, 0]
