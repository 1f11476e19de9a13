"""Drawn prompts: + / - click markers in their colours at the click, boxes in the box colour."""
import numpy as np
import pytest

from seg.visualization import draw_prompts
from seg.visualization.prompts import BOX_COLOR, NEGATIVE_COLOR, POSITIVE_COLOR, marker_size


def test_markers_and_box_are_drawn_where_given():
    image = np.zeros((200, 300, 3), dtype=np.uint8)
    drawn = draw_prompts(image, [[50, 60], [200, 150]], [1, 0], [[100, 20, 280, 120]])
    size = marker_size(image.shape[:2])
    assert size == 4
    assert tuple(drawn[60, 50]) == (255, 255, 255)           # centre of the +
    assert tuple(drawn[60 - 2, 50 - 2]) == POSITIVE_COLOR    # disc beside the cross
    assert tuple(drawn[150, 200]) == (255, 255, 255)         # the - bar
    assert tuple(drawn[150 - 2, 200]) == NEGATIVE_COLOR      # no vertical bar on a negative click
    assert tuple(drawn[20, 190]) == BOX_COLOR and tuple(drawn[70, 280]) == BOX_COLOR
    assert not drawn[100:110, 10:40].any()                   # elsewhere untouched
    assert not image.any()                                   # the input is not modified


def test_mismatched_labels_are_refused():
    with pytest.raises(ValueError, match='2 points but 1 point_labels'):
        draw_prompts(np.zeros((10, 10, 3), np.uint8), [[1, 1], [2, 2]], [1])
