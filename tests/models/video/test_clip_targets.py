"""Clip ground truth -> mask tubes on the film strip; clip batches through the data preprocessor."""
import numpy as np
import pytest
import torch

from seg.models.data_preprocessors import VideoSegDataPreprocessor
from seg.models.heads import clip_strip_sample, tube_instances
from tests.models.model_test_utils import NO_OBJ
from tests.models.video.video_test_utils import TRACK_LABELS, synthetic_clip_batch, synthetic_video


def test_tubes_follow_track_ids_with_empty_frames_where_a_track_is_absent():
    _, sample = synthetic_video(num_frames=3, height=32, width=48, present={11: [0, 1, 2], 22: [1]})
    frames = sample.video_data_samples
    tubes = tube_instances(frames)
    assert tubes.labels.tolist() == [TRACK_LABELS[11], TRACK_LABELS[22]]
    masks = tubes.masks.masks.reshape(2, 3, 32, 48)
    for t in range(3):
        assert np.array_equal(masks[0, t], frames[t].gt_instances.masks.masks[0])
    assert masks[1, 0].sum() == 0 and masks[1, 2].sum() == 0
    assert np.array_equal(masks[1, 1], frames[1].gt_instances.masks.masks[1])


def test_a_track_changing_label_is_rejected():
    _, sample = synthetic_video(num_frames=2, height=32, width=48)
    sample.video_data_samples[1].gt_instances.labels = torch.tensor([5, 3])
    with pytest.raises(ValueError, match='track 11 changes label'):
        tube_instances(sample.video_data_samples)


def test_clip_strip_gives_thing_tubes_then_one_tube_per_stuff_class(model_head):
    _, sample = synthetic_video(num_frames=2, height=32, width=48, present={11: [0, 1], 22: [0]})
    strip = clip_strip_sample(sample)
    assert strip.metainfo['num_frames'] == 2
    assert strip.gt_sem_seg.sem_seg.shape == (1, 64, 48)
    targets = model_head.preprocess_gt([strip.gt_instances], [strip.gt_sem_seg])[0]
    assert targets.labels.tolist() == [1, 3, 8, 9]  # things first, then the two stuff classes
    assert targets.masks.shape == (4, 64, 48)
    sem = strip.gt_sem_seg.sem_seg[0]
    assert torch.equal(targets.masks[2].bool(), sem == 8)


def test_clip_batches_are_padded_frame_by_frame_like_images():
    preprocessor = VideoSegDataPreprocessor()
    batch = synthetic_clip_batch(batch_size=2, num_frames=3, height=50, width=70)
    out = preprocessor(batch, training=True)
    assert out['inputs'].shape == (2, 3, 3, 64, 96)
    image_out = preprocessor(dict(inputs=[batch['inputs'][1][2]], data_samples=None), training=False)
    assert torch.allclose(out['inputs'][1, 2], image_out['inputs'][0])
    frame = out['data_samples'][1].video_data_samples[2]
    assert frame.metainfo['batch_input_shape'] == (64, 96) and frame.metainfo['pad_shape'] == (64, 96)
    assert frame.gt_instances.masks.masks.shape[1:] == (64, 96)
    sem = frame.gt_sem_seg.sem_seg
    assert sem.shape == (1, 64, 96) and (sem[:, 50:] == NO_OBJ).all() and (sem[:, :, 70:] == NO_OBJ).all()


def test_clips_of_different_lengths_are_rejected():
    clips = [torch.zeros(2, 3, 32, 32, dtype=torch.uint8), torch.zeros(3, 3, 32, 32, dtype=torch.uint8)]
    with pytest.raises(ValueError, match='same number of frames'):
        VideoSegDataPreprocessor()(dict(inputs=clips, data_samples=None))


def test_batch_fixed_size_pad_applies_to_every_frame_of_a_clip():
    preprocessor = VideoSegDataPreprocessor(batch_augments=[dict(
        type='BatchFixedSizePad', size=(96, 128), img_pad_value=0, pad_mask=True, mask_pad_value=0,
        pad_seg=True, seg_pad_value=NO_OBJ)])
    out = preprocessor(synthetic_clip_batch(batch_size=1, num_frames=2, height=50, width=70), training=True)
    assert out['inputs'].shape == (1, 2, 3, 96, 128)
    for frame in out['data_samples'][0].video_data_samples:
        assert frame.metainfo['batch_input_shape'] == (96, 128)
        assert frame.gt_instances.masks.masks.shape[1:] == (96, 128)
        assert frame.gt_sem_seg.sem_seg.shape == (1, 96, 128)
