"""SegVisualizationHook driven by a fake runner through mmengine's hook API."""
from pathlib import Path
from types import SimpleNamespace

import cv2
import pytest
from mmdet.registry import HOOKS
from mmdet.visualization import DetLocalVisualizer
from PIL import Image, ImageSequence

from seg.engine.hooks import SegVisualizationHook
from seg.visualization import VidSegLocalVisualizer
from tests.visualization.sample_builders import (
    CLASSES,
    H,
    W,
    instance_sample,
    panoptic_sample,
    track_sample,
    write_gray_image,
)


def fake_runner(tmp_path: Path, visualizer) -> SimpleNamespace:
    visualizer.dataset_meta = dict(classes=CLASSES)
    return SimpleNamespace(log_dir=str(tmp_path / 'work' / '20240101_000000'), visualizer=visualizer, iter=0)


@pytest.fixture()
def runner(tmp_path):
    return fake_runner(tmp_path, VidSegLocalVisualizer.get_instance('test_hook_visualizer'))


def build_hook(**kwargs) -> SegVisualizationHook:
    VidSegLocalVisualizer.get_instance('test_hook_visualizer')  # mmdet's hook grabs the current instance
    return HOOKS.build(dict(type='SegVisualizationHook', **kwargs))


def test_registered_under_both_names():
    assert HOOKS.get('SegVisualizationHook') is SegVisualizationHook
    assert HOOKS.get('VidSegVisualizationHook') is SegVisualizationHook


def test_images_written_to_log_dir_test_out_dir(tmp_path, runner):
    hook = build_hook(draw=True, test_out_dir='vis')
    samples = [panoptic_sample(write_gray_image(tmp_path / 'data' / 'a.png'), with_gt=True),
               instance_sample(img_path=write_gray_image(tmp_path / 'data' / 'b.jpg'))]
    hook.after_test_iter(runner, 0, {}, samples)
    out_dir = Path(runner.log_dir) / 'vis'
    assert sorted(p.name for p in out_dir.iterdir()) == ['a.png', 'b.jpg']
    assert cv2.imread(str(out_dir / 'a.png')).shape == (H, 2 * W, 3)  # GT | panoptic prediction
    assert cv2.imread(str(out_dir / 'b.jpg')).shape == (H, W, 3)


def test_video_frames_and_gif(tmp_path, runner):
    hook = build_hook(draw=True, test_out_dir='vis')
    clip = track_sample(tmp_path / 'data' / 'JPEGImages' / 'dance', num_frames=3)
    hook.after_test_iter(runner, 0, {}, [clip])
    hook.after_test_epoch(runner, {})
    out_dir = Path(runner.log_dir) / 'vis'
    assert sorted(p.name for p in (out_dir / 'dance').iterdir()) == ['00000.png', '00001.png', '00002.png']
    with Image.open(out_dir / 'dance.gif') as gif:
        assert sum(1 for _ in ImageSequence.Iterator(gif)) == 3


def test_video_split_over_batches_is_completed_at_epoch_end(tmp_path, runner):
    hook = build_hook(draw=True, test_out_dir='vis')
    video = tmp_path / 'data' / 'walk'
    hook.after_test_iter(runner, 0, {}, [track_sample(video, num_frames=2, video_length=5)])
    hook.after_test_iter(runner, 1, {}, [track_sample(video, num_frames=2, first=2, video_length=5)])
    gif_path = Path(runner.log_dir) / 'vis' / 'walk.gif'
    assert not gif_path.exists()
    hook.after_test_epoch(runner, {})
    with Image.open(gif_path) as gif:
        assert sum(1 for _ in ImageSequence.Iterator(gif)) == 4


def test_plain_det_visualizer_is_replaced_by_own_one(tmp_path):
    runner = fake_runner(tmp_path, DetLocalVisualizer.get_instance('test_hook_det_visualizer'))
    hook = build_hook(draw=True, test_out_dir='vis')
    hook.after_test_iter(runner, 0, {}, [panoptic_sample(write_gray_image(tmp_path / 'c.png'))])
    assert cv2.imread(str(Path(runner.log_dir) / 'vis' / 'c.png')).shape == (H, W, 3)
    assert isinstance(hook.seg_visualizer(runner), VidSegLocalVisualizer)
    assert hook.seg_visualizer(runner).dataset_meta['classes'] == CLASSES


def test_nothing_drawn_without_draw(tmp_path, runner):
    hook = build_hook(draw=False, test_out_dir='vis')
    hook.after_test_iter(runner, 0, {}, [panoptic_sample(write_gray_image(tmp_path / 'd.png'))])
    assert not (Path(runner.log_dir) / 'vis').exists()


def test_without_test_out_dir_images_go_to_backends(tmp_path, runner, monkeypatch):
    calls = []
    monkeypatch.setattr(runner.visualizer, 'add_image', lambda name, image, step=0: calls.append(image.shape))
    hook = build_hook(draw=True)
    hook.after_test_iter(runner, 0, {}, [panoptic_sample(write_gray_image(tmp_path / 'e.png'))])
    assert calls == [(H, W, 3)]


def test_val_draws_every_interval_th_iteration(tmp_path, runner, monkeypatch):
    steps = []
    monkeypatch.setattr(runner.visualizer, 'add_image', lambda name, image, step=0: steps.append(step))
    hook = build_hook(draw=True, interval=2)
    image_sample = panoptic_sample(write_gray_image(tmp_path / 'f.png'))
    for batch_idx in range(4):
        hook.after_val_iter(runner, batch_idx, {}, [image_sample])
    hook.after_val_iter(runner, 4, {}, [track_sample(tmp_path / 'v', num_frames=2)])
    assert steps == [0, 2, 4]


def test_missing_image_file_is_a_clear_error(tmp_path, runner):
    hook = build_hook(draw=True, test_out_dir='vis')
    with pytest.raises(FileNotFoundError, match='missing.png'):
        hook.after_test_iter(runner, 0, {}, [panoptic_sample(str(tmp_path / 'missing.png'))])


def test_sample_without_img_path_is_a_clear_error(runner):
    hook = build_hook(draw=True, test_out_dir='vis')
    sample = panoptic_sample()
    sample.set_metainfo(dict(img_path=''))
    with pytest.raises(KeyError, match='img_path'):
        hook.after_test_iter(runner, 0, {}, [sample])
