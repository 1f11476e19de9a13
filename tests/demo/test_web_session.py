"""The web demo's model-side helpers: click bookkeeping, the prompt adapter, the click fallback, names."""
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'demo'))
from web_session import Prompts, parse_names, segment_at, segment_prompts  # noqa: E402


def test_box_mode_needs_two_clicks_and_orders_corners():
    prompts = Prompts()
    prompts.add_click(50, 40, 'box')
    assert prompts.empty and prompts.corner == [50, 40] and prompts.boxes == []
    prompts.add_click(10, 60, 'box')
    assert prompts.boxes == [[10, 40, 50, 60]] and prompts.corner is None and not prompts.empty


def test_point_modes_record_labels():
    prompts = Prompts()
    prompts.add_click(1, 2, 'negative point')
    assert prompts.empty  # a negative click alone selects nothing
    prompts.add_click(3, 4, 'point')
    assert prompts.points == [[1, 2], [3, 4]] and prompts.labels == [0, 1] and not prompts.empty


class RecordingPredictor:
    def predict_prompts(self, points=None, boxes=None):
        self.points, self.boxes = points, boxes
        return 'result'


def test_segment_prompts_sends_positive_points_and_boxes():
    predictor = RecordingPredictor()
    assert segment_prompts(predictor, [[1, 2], [3, 4]], [0, 1], [[0, 0, 5, 5]]) == 'result'
    np.testing.assert_array_equal(predictor.points, [[3, 4]])
    np.testing.assert_array_equal(predictor.boxes, [[0, 0, 5, 5]])
    segment_prompts(predictor, [[1, 2]], [0], [])
    assert predictor.points is None and predictor.boxes is None


def test_segment_at_picks_the_segment_under_the_click():
    pan = np.array([[1, 1, 2], [0, 2, 2]], dtype=np.int32)
    masks = np.stack([pan == 1, pan == 2])
    panoptic = dict(panoptic_seg=pan, segments_info=[dict(id=1), dict(id=2)], masks=masks,
                    labels=np.array([7, 3]), class_names=['sky', 'cat'], scores=np.array([0.9, 0.6]))
    found = segment_at(panoptic, 2, 1)
    assert found['class_names'] == ['cat'] and found['labels'].tolist() == [3]
    np.testing.assert_array_equal(found['masks'][0], pan == 2)
    assert segment_at(panoptic, 0, 1)['masks'].shape == (0, 2, 3)  # void
    assert segment_at(panoptic, 99, 99)['class_names'] == ['cat']  # clamped to the image


@pytest.mark.parametrize('text, names', [
    ('cat, dog', ['cat', 'dog']), ('person,child; car', ['person,child', 'car']), ('  ', []), (None, [])])
def test_parse_names(text, names):
    assert parse_names(text) == names


def test_uploaded_video_or_frames_give_rgb_frames(tmp_path):
    import cv2
    from web_demo import load_frames
    writer = cv2.VideoWriter(str(tmp_path / 'clip.avi'), cv2.VideoWriter_fourcc(*'MJPG'), 5, (32, 24))
    for value in (0, 80, 160, 240):
        writer.write(np.full((24, 32, 3), (value, 0, 255), np.uint8))  # BGR: red channel saturated
    writer.release()
    frames = load_frames(str(tmp_path / 'clip.avi'), None, max_frames=3)
    assert len(frames) == 3 and frames[0].shape == (24, 32, 3)
    assert abs(int(frames[2][12, 16, 0]) - 255) < 10 and abs(int(frames[2][12, 16, 2]) - 160) < 10  # RGB
    for name, value in (('b.png', 200), ('a.png', 50)):
        cv2.imwrite(str(tmp_path / name), np.full((8, 8, 3), value, np.uint8))
    frames = load_frames(None, [str(tmp_path / 'b.png'), str(tmp_path / 'a.png')], max_frames=8)
    assert [int(f[0, 0, 0]) for f in frames] == [50, 200]  # sorted by file name
    assert load_frames(None, None, 8) == []
