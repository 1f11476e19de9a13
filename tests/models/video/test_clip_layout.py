"""Film-strip layout of clips: folding, unfolding, and why one resize of the strip is a per-frame resize."""
import pytest
import torch
import torch.nn.functional as F
from mmdet.structures import DetDataSample

from seg.models.heads.clip_layout import frames_to_strip, samples_num_frames, strip_to_frames


def test_frames_are_stacked_top_to_bottom_per_clip():
    frames = torch.arange(2 * 3 * 1 * 2 * 2, dtype=torch.float32).view(6, 1, 2, 2)  # B=2 clips of T=3
    strip = frames_to_strip(frames, 3)
    assert strip.shape == (2, 1, 6, 2)
    assert torch.equal(strip[1, 0, 2:4], frames[4, 0])  # clip 1, frame 1 is rows 2..3
    assert torch.equal(strip_to_frames(strip, 3).transpose(1, 2).flatten(0, 1), frames)


def test_single_frame_strip_is_the_image():
    images = torch.randn(2, 4, 5, 7)
    assert torch.equal(frames_to_strip(images, 1), images)


@pytest.mark.parametrize('scale', [2, 4, 8])
def test_resizing_a_strip_by_an_integer_factor_equals_resizing_each_frame(scale):
    frames = torch.randn(1, 3, 16, 24)  # (B, T, h, w) mask logits of 3 frames
    strip = frames.flatten(1, 2)[:, None]  # (B, 1, T*h, w)
    target = (3 * 16 // scale, 24 // scale)
    resized = F.interpolate(strip, target, mode='bilinear', align_corners=False)
    per_frame = F.interpolate(frames, (16 // scale, 24 // scale), mode='bilinear', align_corners=False)
    assert torch.allclose(resized[:, 0], per_frame.flatten(1, 2), atol=1e-6)


def test_frame_counts_come_from_meta_and_must_agree():
    assert samples_num_frames([DetDataSample()]) == 1
    assert samples_num_frames([DetDataSample(metainfo=dict(num_frames=3))] * 2) == 3
    with pytest.raises(ValueError, match='same number of frames'):
        samples_num_frames([DetDataSample(metainfo=dict(num_frames=3)), DetDataSample()])
    with pytest.raises(ValueError, match='cannot be split'):
        frames_to_strip(torch.zeros(5, 1, 2, 2), 2)
