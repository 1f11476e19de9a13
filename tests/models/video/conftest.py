"""Shared fixtures of the video model tests."""
import pytest

from tests.models.video.video_test_utils import build_toy_video_model


@pytest.fixture(scope='session')
def video_model():
    """The toy OMG-Seg as OMGSegVideo (tubes of 3 frames for short videos)."""
    return build_toy_video_model(clip_size=3, clip_size_small=3, small_clip_thr=15)


@pytest.fixture(scope='session')
def model_head(video_model):
    return video_model.panoptic_head
