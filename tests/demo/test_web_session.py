"""The web demo's model-side helpers: click bookkeeping, the prompt adapter, the click fallback, names."""
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'demo'))
from web_session import DemoSession, Prompts, parse_names, segment_at, segment_prompts  # noqa: E402

from seg.models.query_generators import PromptQueryGenerator, make_object_prompts  # noqa: E402


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
    assert prompts.point_objects == [0, 0]  # both refine the first object
    with pytest.raises(ValueError, match="click mode must be one of .* got 'erase'"):
        prompts.add_click(0, 0, 'erase')


def test_clicks_group_into_objects():
    prompts = Prompts()
    for x, y, mode in ((5, 5, 'point'), (6, 6, 'negative point'), (7, 7, 'point'),  # object 0: + - +
                       (20, 20, 'new object'),  # object 1
                       (0, 0, 'box'), (4, 4, 'box'),  # object 1's box
                       (30, 30, 'box'), (40, 40, 'box')):  # object 1 has a box: a new object 2
        prompts.add_click(x, y, mode)
    assert prompts.point_objects == [0, 0, 0, 1] and prompts.box_objects == [1, 2]
    first, second, third = prompts.objects()
    np.testing.assert_array_equal(first.points, [[5, 5], [6, 6], [7, 7]])
    assert first.labels.tolist() == [1, 0, 1] and first.box is None
    np.testing.assert_array_equal(second.points, [[20, 20]])
    assert second.box.tolist() == [0, 0, 4, 4]
    assert third.points.shape == (0, 2) and third.box.tolist() == [30, 30, 40, 40]


class RecordingPredictor:
    def predict_prompts(self, objects=None):
        self.objects = objects
        return 'result'


def test_segment_prompts_sends_the_objects_as_they_are():
    prompts, predictor = Prompts(), RecordingPredictor()
    prompts.add_click(1, 2, 'point')
    prompts.add_click(3, 4, 'negative point')
    objects = prompts.objects()
    assert segment_prompts(predictor, objects) == 'result' and predictor.objects is objects


class OneClickPredictor:
    """Stands in for a model with the published prompt encoding (one click or one box per object)."""

    model = SimpleNamespace(panoptic_head=SimpleNamespace(enable_box_query=True))
    class_names = ['thing']

    def set_image(self, image):
        self.image = image

    def predict_prompts(self, objects):
        prompts = make_object_prompts(objects)
        PromptQueryGenerator().check_supported(prompts, 'the prompts')
        count = len(objects)
        return dict(masks=np.ones((count, 8, 8), bool), labels=np.zeros(count, np.int64),
                    class_names=['thing'] * count, scores=np.ones(count), boxes=np.zeros((count, 4)))


def click_handler():
    from web_demo import make_image_handlers
    return make_image_handlers(DemoSession(OneClickPredictor(), None, trained=True))[1]


def test_the_ui_shows_why_the_model_cannot_use_a_negative_click():
    click, image = click_handler(), np.zeros((8, 8, 3), np.uint8)
    _, text, prompts = click(image, Prompts(), 'point', '', '', SimpleNamespace(index=[2, 2]))
    assert '1 masks' in text and 'prompt queries' in text
    overlay, text, prompts = click(image, prompts, 'negative point', '', '', SimpleNamespace(index=[5, 5]))
    assert text.startswith('**The model cannot use these prompts:** the prompts: prompt 0 has a negative '
                           'click, but this model encodes one positive click or one box per prompt'), text
    assert prompts.labels == [1, 0] and overlay.shape == (8, 8, 3)  # the click is kept and drawn
    _, text, prompts = click(image, Prompts(), 'negative point', '', '', SimpleNamespace(index=[5, 5]))
    assert text == 'A negative click alone selects nothing: add a positive click or a box.'


def test_the_ui_sends_one_object_per_new_object_click():
    click, image = click_handler(), np.zeros((8, 8, 3), np.uint8)
    _, _, prompts = click(image, Prompts(), 'point', '', '', SimpleNamespace(index=[2, 2]))
    _, text, prompts = click(image, prompts, 'new object', '', '', SimpleNamespace(index=[6, 6]))
    assert '2 masks' in text and prompts.point_objects == [0, 1]
    _, text, _ = click(image, prompts, 'point', '', '', SimpleNamespace(index=[7, 7]))
    assert 'prompt 1 has 2 clicks' in text  # a second click on one object: the published encoding refuses


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
