"""Streamed clip input: per-window normalisation equals the whole-video path, inputs and predictions."""
import pytest
import torch
from mmdet.structures import DetDataSample, TrackDataSample

from seg.models.data_preprocessors import VideoSegDataPreprocessor
from seg.models.data_preprocessors.streamed_clips import StreamedClips
from tests.models.video.video_test_utils import build_toy_video_model, synthetic_video


def clip_batch(sizes=((3, 40, 70), (3, 64, 50))) -> dict:
    """Two random uint8 clips of different frame sizes with bare frame samples."""
    generator = torch.Generator().manual_seed(0)
    inputs, samples = [], []
    for num_frames, height, width in sizes:
        inputs.append(torch.randint(0, 256, (num_frames, 3, height, width), generator=generator,
                                    dtype=torch.uint8))
        track = TrackDataSample()
        track.video_data_samples = [DetDataSample(metainfo=dict(img_shape=(height, width), frame_id=t))
                                    for t in range(num_frames)]
        samples.append(track)
    return dict(inputs=inputs, data_samples=samples)


def test_streamed_frames_equal_the_whole_video_normalised_at_once():
    whole = VideoSegDataPreprocessor(stream_clips=False)(clip_batch(), training=False)
    streamed = VideoSegDataPreprocessor()(clip_batch(), training=False)
    assert isinstance(streamed['inputs'], StreamedClips)
    assert streamed['inputs'].shape == whole['inputs'].shape == (2, 3, 3, 64, 96)
    assert streamed['inputs'][0].raw.dtype == torch.uint8  # nothing normalised yet
    assert torch.equal(streamed['inputs'].materialise(), whole['inputs'])
    assert torch.equal(streamed['inputs'].flatten(0, 1), whole['inputs'].flatten(0, 1))  # tensor fallback
    clip = streamed['inputs'][0]
    assert torch.equal(clip[1:3], whole['inputs'][0, 1:3]) and torch.equal(clip[2], whole['inputs'][0, 2])
    for ours, theirs in zip(streamed['data_samples'], whole['data_samples']):
        for a, b in zip(ours.video_data_samples, theirs.video_data_samples):
            assert a.batch_input_shape == b.batch_input_shape == (64, 96)
            assert a.pad_shape == b.pad_shape
    assert streamed['data_samples'][0].video_data_samples[0].pad_shape == (64, 96)  # 40x70 -> own padding
    with pytest.raises(TypeError, match='StreamedFrames takes an int or a slice, got list'):
        clip[[0, 1]]


def test_frame_count_mismatch_is_named():
    batch = clip_batch()
    batch['data_samples'][1].video_data_samples = batch['data_samples'][1].video_data_samples[:2]
    with pytest.raises(ValueError, match='3 frames but 2 frame data samples'):
        VideoSegDataPreprocessor()(batch, training=False)


def test_video_predictions_are_identical_with_streamed_input():
    model = build_toy_video_model(clip_size_small=2).eval()
    results = []
    for stream in (False, True):
        model.data_preprocessor.stream_clips = stream
        frames, sample = synthetic_video(num_frames=5)
        data = model.data_preprocessor(dict(inputs=[frames], data_samples=[sample]), False)
        with torch.no_grad():
            track = model(**data, mode='predict')[0]
        results.append([frame.pred_track_panoptic_seg.sem_seg for frame in track.video_data_samples])
    assert len(results[1]) == 5
    assert all(torch.equal(a, b) for a, b in zip(*results))
