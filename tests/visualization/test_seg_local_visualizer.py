"""Image visualizer: overlays of panoptic / instance / semantic predictions and the GT panel."""
import cv2
import numpy as np
import pytest
import torch
from mmdet.registry import VISUALIZERS
from mmengine.structures import PixelData

from seg.visualization import ClassStyle, SegLocalVisualizer, instance_color
from tests.visualization.sample_builders import (
    CLASSES,
    GRAY,
    NUM_CLASSES,
    OFFSET,
    H,
    W,
    blended,
    gray_image,
    instance_sample,
    panoptic_sample,
)


@pytest.fixture()
def visualizer():
    vis = SegLocalVisualizer(name='test_seg_local_visualizer')
    vis.dataset_meta = dict(classes=CLASSES)
    return vis


def assert_color(pixel, color, alpha=0.6):
    np.testing.assert_allclose(pixel, blended(color, alpha), atol=2)


def test_registered_in_mmdet_visualizers():
    vis = VISUALIZERS.build(dict(type='SegLocalVisualizer', name='test_registered', alpha=0.5))
    assert isinstance(vis, SegLocalVisualizer) and vis.alpha == 0.5


def test_panoptic_overlay_colours_inside_and_keeps_outside(visualizer):
    out = visualizer.render(gray_image(), panoptic_sample())
    assert out.shape == (H, W, 3)
    assert_color(out[14, 14], instance_color(0 + 1 * OFFSET))  # thing: colour of its segment id
    assert_color(out[56, 56], instance_color(0 + 1 * OFFSET))
    assert_color(out[80, 120], ClassStyle(CLASSES).color(2))  # stuff: colour of its class
    np.testing.assert_array_equal(out[64, 100], [GRAY] * 3)  # void: untouched
    np.testing.assert_array_equal(out[2, 120], [GRAY] * 3)


def test_ground_truth_left_prediction_right(visualizer):
    out = visualizer.render(gray_image(), panoptic_sample(with_gt=True))
    assert out.shape == (H, 2 * W, 3)
    gt, pred = out[:, :W], out[:, W:]
    assert_color(gt[80, 120], ClassStyle(CLASSES).color(2))
    assert not np.array_equal(gt[14, 14], [GRAY] * 3)  # the GT person instance is painted
    np.testing.assert_array_equal(gt[64, 100], [GRAY] * 3)  # NO_OBJ pixels are void
    assert_color(pred[55, 14], instance_color(OFFSET))  # (the panel title covers the top-left corner)


def test_panels_are_titled_only_when_there_are_several(visualizer):
    titled = visualizer.render(gray_image(), panoptic_sample(with_gt=True))
    single = visualizer.render(gray_image(), panoptic_sample())
    title_pixels = titled[:12, :40]
    assert (title_pixels.max(-1) >= 230).any()  # light title text ...
    assert (title_pixels.max(-1) <= 60).mean() > 0.3  # ... on a dark box, in both panels
    assert ((titled[:12, W:W + 40].max(-1) >= 230).any())
    np.testing.assert_array_equal(single[:8, 64:], np.full((8, W - 64, 3), GRAY))  # no title: untouched
    untitled = SegLocalVisualizer(name='test_untitled', panel_titles=False)
    untitled.dataset_meta = dict(classes=CLASSES)
    np.testing.assert_array_equal(untitled.render(gray_image(), panoptic_sample(with_gt=True))[2, 2],
                                  [GRAY] * 3)


def test_draw_gt_false_gives_prediction_only(visualizer):
    out = visualizer.render(gray_image(), panoptic_sample(with_gt=True), draw_gt=False)
    assert out.shape == (H, W, 3)


def test_instances_above_threshold_only(visualizer):
    out = visualizer.render(gray_image(), instance_sample(scores=(0.9, 0.1)), pred_score_thr=0.3)
    assert out.shape == (H, W, 3)
    assert_color(out[30, 14], instance_color(1 + 1 * OFFSET))  # car (label 1, first instance)
    np.testing.assert_array_equal(out[40, 90], [GRAY] * 3)  # the 0.1 person is filtered out
    np.testing.assert_array_equal(out[80, 64], [GRAY] * 3)


def test_low_threshold_draws_both_instances_with_distinct_colours(visualizer):
    out = visualizer.render(gray_image(), instance_sample(scores=(0.9, 0.1)), pred_score_thr=0.0)
    assert_color(out[40, 74], instance_color(0 + 2 * OFFSET))
    assert not np.array_equal(out[40, 74], out[40, 14])


def test_semantic_overlay_uses_class_colours_and_skips_ignore(visualizer):
    sem = np.full((1, H, W), 255, dtype=np.int64)
    sem[0, :40] = 3
    sem[0, 50:] = 1
    sample = panoptic_sample()
    del sample.pred_panoptic_seg
    sample.pred_sem_seg = PixelData(sem_seg=torch.from_numpy(sem))
    out = visualizer.render(gray_image(), sample)
    assert_color(out[5, 5], ClassStyle(CLASSES).color(3))
    assert_color(out[90, 5], ClassStyle(CLASSES).color(1))
    np.testing.assert_array_equal(out[45, 5], [GRAY] * 3)


def test_one_panel_per_prediction_kind(visualizer):
    sample = panoptic_sample(with_gt=True)
    sample.pred_instances = instance_sample().pred_instances
    out = visualizer.render(gray_image(), sample)
    assert out.shape == (H, 3 * W, 3)  # GT | panoptic | instance
    only_panoptic = SegLocalVisualizer(name='test_kinds', kinds=('panoptic',))
    only_panoptic.dataset_meta = dict(classes=CLASSES)
    assert only_panoptic.render(gray_image(), sample).shape == (H, 2 * W, 3)


def test_add_datasample_writes_png_atomically(visualizer, tmp_path):
    out_file = tmp_path / 'vis' / 'a.png'
    drawn = visualizer.add_datasample('a', gray_image(), panoptic_sample(), out_file=str(out_file))
    written = cv2.imread(str(out_file))[..., ::-1]
    np.testing.assert_array_equal(written, drawn)
    assert [p.name for p in out_file.parent.iterdir()] == ['a.png']  # no temp file left behind


def test_panoptic_without_classes_is_a_clear_error():
    vis = SegLocalVisualizer(name='test_no_classes')
    with pytest.raises(ValueError, match='class list'):
        vis.render(gray_image(), panoptic_sample())


def test_prediction_of_the_wrong_size_is_rejected(visualizer):
    with pytest.raises(ValueError, match='pred_panoptic_seg has shape'):
        visualizer.render(np.zeros((H + 1, W, 3), np.uint8), panoptic_sample())


def test_unknown_kind_rejected():
    with pytest.raises(ValueError, match='unknown prediction kinds'):
        SegLocalVisualizer(name='test_bad_kind', kinds=('depth',))


def test_void_label_equal_to_num_classes_is_not_drawn(visualizer):
    sample = panoptic_sample()
    sample.pred_panoptic_seg = PixelData(sem_seg=torch.full((1, H, W), NUM_CLASSES, dtype=torch.int64))
    np.testing.assert_array_equal(visualizer.render(gray_image(), sample), gray_image())
