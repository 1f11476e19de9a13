"""Caption layout: every label box inside the image, none overlapping another or a reserved box."""
import numpy as np
import pytest

from seg.visualization.labels import (
    Label,
    candidate_boxes,
    draw_labels,
    font_size_for,
    overlap,
    place_labels,
    text_size,
)

SHAPE = (160, 256)


def inside(box, shape=SHAPE) -> bool:
    return 0 <= box[0] < box[2] <= shape[1] and 0 <= box[1] < box[3] <= shape[0]


def test_overlap_area():
    assert overlap((0, 0, 10, 10), (5, 5, 20, 20)) == 25
    assert overlap((0, 0, 10, 10), (10, 0, 20, 10)) == 0  # touching edges do not overlap


def test_labels_at_the_border_are_moved_inside():
    sizes = [(60, 14)] * 4
    labels = [Label('cat: 0.57', (0, 80)), Label('dog', (255, 159)), Label('box', (250, 0), corner=True),
              Label('far', (-30, 500))]
    boxes = place_labels(labels, sizes, SHAPE)
    assert all(inside(box) for box in boxes), boxes
    assert boxes[0] == (0, 73, 60, 87)  # centred vertically on its anchor, pushed right to x = 0
    assert boxes[2] == (196, 0, 256, 14)  # corner label: no room above, so just inside, pushed left


def test_labels_on_one_spot_do_not_overlap():
    sizes = [(70, 14)] * 6
    labels = [Label(f'tv remote {i}', (120, 60)) for i in range(6)]
    boxes = place_labels(labels, sizes, SHAPE)
    assert all(inside(box) for box in boxes)
    assert all(overlap(a, b) == 0 for i, a in enumerate(boxes) for b in boxes[i + 1:]), boxes
    assert boxes[0] == (85, 53, 155, 67)  # the first label keeps the best spot: centred on the anchor


def test_reserved_boxes_are_avoided():
    boxes = place_labels([Label('person', (10, 5))], [(50, 14)], SHAPE, reserved=[(0, 0, 80, 16)])
    assert overlap(boxes[0], (0, 0, 80, 16)) == 0 and inside(boxes[0])


def test_a_full_image_gives_the_least_overlap_not_an_error():
    boxes = place_labels([Label('a', (5, 5)), Label('b', (5, 5))], [(20, 10)] * 2, (10, 20))
    assert boxes == [(0, 0, 20, 10)] * 2


def test_candidates_start_at_the_preferred_spot():
    assert candidate_boxes(Label('x', (100, 50), corner=True), (40, 12), SHAPE)[:2] == [
        (100, 38, 140, 50), (100, 50, 140, 62)]  # above the box corner, then just inside


def test_drawn_labels_stay_inside_and_darken_their_box():
    image = np.full((*SHAPE, 3), 200, np.uint8)
    drawn = draw_labels(image, [Label('cat: 0.57', (0, 0)), Label('tv remote: 0.42', (2, 2))])
    changed = (drawn != image).any(-1)
    assert changed[:, 0].any() and changed.sum() > 0
    width, height = text_size('cat: 0.57', font_size_for(SHAPE))
    assert (drawn[1:height - 1, 1] < 100).all()  # the first label's dark box starts at the border


@pytest.mark.parametrize('shape, size', [((160, 256), 10), ((480, 640), 16), ((2000, 3000), 22)])
def test_font_size_follows_the_image(shape, size):
    assert font_size_for(shape) == size
