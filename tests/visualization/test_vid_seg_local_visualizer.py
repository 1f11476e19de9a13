"""Video visualizer: per-frame files, colours per track id across frames, animated GIF."""
import cv2
import numpy as np
import pytest
from mmdet.structures import DetDataSample, TrackDataSample
from PIL import Image, ImageSequence

from seg.visualization import VidSegLocalVisualizer, instance_color, video_name_of
from seg.visualization.image_io import encode_gif
from tests.visualization.sample_builders import CLASSES, GRAY, W, blended, gray_image, track_sample


@pytest.fixture()
def visualizer():
    vis = VidSegLocalVisualizer(name='test_vid_seg_local_visualizer', gif_max_side=64)
    vis.dataset_meta = dict(classes=CLASSES)
    return vis


def read_rgb(path):
    return cv2.imread(str(path))[..., ::-1]


def gif_frame_count(path):
    with Image.open(path) as gif:
        return sum(1 for _ in ImageSequence.Iterator(gif))


def test_frames_and_gif_written_with_video_and_frame_names(visualizer, tmp_path):
    clip = track_sample(tmp_path / 'data' / 'cat_video', num_frames=3)
    images = [gray_image()] * 3
    written = visualizer.add_video(images, clip, str(tmp_path / 'out'))
    out = tmp_path / 'out'
    assert [p.name for p in written] == ['00000.png', '00001.png', '00002.png', 'cat_video.gif']
    assert sorted(p.name for p in (out / 'cat_video').iterdir()) == ['00000.png', '00001.png', '00002.png']
    assert gif_frame_count(out / 'cat_video.gif') == 3
    with Image.open(out / 'cat_video.gif') as gif:
        assert max(gif.size) == 64  # shrunk to gif_max_side


def test_track_keeps_its_colour_across_frames(visualizer, tmp_path):
    clip = track_sample(tmp_path / 'v', num_frames=2)
    visualizer.add_video([gray_image()] * 2, clip, str(tmp_path / 'out'))
    first, second = (read_rgb(tmp_path / 'out' / 'v' / f'0000{t}.png') for t in (0, 1))
    expected = blended(instance_color(7))
    np.testing.assert_allclose(first[14, 14], expected, atol=2)  # track 7 at cols 10-50 in frame 0
    np.testing.assert_allclose(second[14, 22], expected, atol=2)  # moved to cols 18-58 in frame 1
    np.testing.assert_allclose(first[64, 24], blended(instance_color(3)), atol=2)
    np.testing.assert_array_equal(second[14, 14], [GRAY] * 3)  # old place of track 7 is clean again
    assert first.shape == (gray_image().shape[0], W, 3)  # prediction only: no GT in the sample


def test_video_in_two_clips_writes_gif_when_complete(visualizer, tmp_path):
    out = tmp_path / 'out'
    first = track_sample(tmp_path / 'long', num_frames=2, first=0, video_length=4)
    second = track_sample(tmp_path / 'long', num_frames=2, first=2, video_length=4)
    assert not any(p.suffix == '.gif' for p in visualizer.add_video([gray_image()] * 2, first, str(out)))
    assert not (out / 'long.gif').exists()
    written = visualizer.add_video([gray_image()] * 2, second, str(out))
    assert written[-1] == out / 'long.gif'
    assert gif_frame_count(out / 'long.gif') == 4


def test_finish_all_flushes_incomplete_videos(visualizer, tmp_path):
    clip = track_sample(tmp_path / 'cut', num_frames=2, video_length=10)
    visualizer.add_video([gray_image()] * 2, clip, str(tmp_path / 'out'))
    assert visualizer.finish_all(str(tmp_path / 'out')) == [tmp_path / 'out' / 'cut.gif']
    assert gif_frame_count(tmp_path / 'out' / 'cut.gif') == 2
    assert visualizer.finish_all(str(tmp_path / 'out')) == []


def test_image_count_must_match_frames(visualizer, tmp_path):
    clip = track_sample(tmp_path / 'v', num_frames=2, write_images=False)
    with pytest.raises(ValueError, match='1 images for a TrackDataSample of 2 frames'):
        visualizer.add_video([gray_image()], clip, str(tmp_path))


def test_video_name_from_metainfo_folder_or_id():
    assert video_name_of(DetDataSample(metainfo=dict(video_name='abc', img_path='x/y/0.jpg'))) == 'abc'
    assert video_name_of(DetDataSample(metainfo=dict(img_path='root/JPEGImages/v12/0.jpg'))) == 'v12'
    assert video_name_of(DetDataSample(metainfo=dict(video_id=5))) == 'video_5'


def test_encode_gif_rejects_mixed_sizes_and_empty():
    with pytest.raises(ValueError, match='one shape'):
        encode_gif([np.zeros((4, 4, 3), np.uint8), np.zeros((5, 4, 3), np.uint8)])
    with pytest.raises(ValueError, match='without frames'):
        encode_gif([])


def test_empty_clip_writes_nothing(visualizer, tmp_path):
    assert visualizer.add_video([], TrackDataSample(), str(tmp_path)) == []
