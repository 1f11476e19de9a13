"""Visualisation hook for image and video segmentation: overlays under ``<log_dir>/<test_out_dir>``."""
from __future__ import annotations

import os.path as osp
from typing import Optional, Sequence, Union

import numpy as np
from mmdet.engine.hooks import DetVisualizationHook
from mmdet.registry import HOOKS
from mmdet.structures import DetDataSample, TrackDataSample
from mmengine.runner import Runner

from ...visualization import SegLocalVisualizer, VidSegLocalVisualizer, load_rgb, video_name_of, write_image

Sample = Union[DetDataSample, TrackDataSample]


def image_path_of(sample: DetDataSample) -> str:
    """The ``img_path`` of a sample, with a clear error when the pipeline did not keep it."""
    img_path = sample.metainfo.get('img_path')
    if not img_path:
        raise KeyError('SegVisualizationHook reads the image from the sample metainfo `img_path`, which is '
                       f'missing (metainfo keys: {sorted(sample.metainfo)}); add it to the meta_keys of '
                       'the packing transform')
    return img_path


@HOOKS.register_module()
@HOOKS.register_module(name='VidSegVisualizationHook')
class SegVisualizationHook(DetVisualizationHook):
    """Draw segmentation results of images and videos (drop-in for ``default_hooks.visualization``).

    Test mode with ``draw=True``: every image sample becomes ``<out>/<image basename>`` and every video
    (``TrackDataSample``) becomes ``<out>/<video name>/<frame basename>`` plus ``<out>/<video name>.gif``,
    where ``<out> = <runner.log_dir>/<test_out_dir>``; without ``test_out_dir`` the renderings go to the
    visualizer's storage backends. Validation mode draws the first sample (first frame of a video) of
    every ``interval``-th iteration to the backends. Renders on every rank, so distributed tests draw
    all samples. Uses the runner's visualizer when it is a ``VidSegLocalVisualizer`` (configure one as
    ``visualizer``), else an own one sharing its ``dataset_meta``.

    Args:
        draw: draw at all (``tools/test.py --show-dir`` sets it).
        interval: validation iterations between two drawings.
        score_thr: score threshold of instance and track predictions.
        show / wait_time: display the renderings in a window instead of storing them.
        test_out_dir: output folder, relative to ``runner.log_dir`` (absolute paths are kept).
        backend_args: mmengine file-backend arguments to read the images.
        draw_gt: draw the ground truth panel left of the predictions when the sample has one.
    """

    def __init__(self, draw: bool = False, interval: int = 50, score_thr: float = 0.3, show: bool = False,
                 wait_time: float = 0., test_out_dir: Optional[str] = None,
                 backend_args: Optional[dict] = None, draw_gt: bool = True) -> None:
        super().__init__(draw=draw, interval=interval, score_thr=score_thr, show=show, wait_time=wait_time,
                         test_out_dir=test_out_dir, backend_args=backend_args)
        self.draw_gt = draw_gt
        self._own_visualizer: Optional[VidSegLocalVisualizer] = None
        self._out_dir: Optional[str] = None

    def seg_visualizer(self, runner: Runner) -> VidSegLocalVisualizer:
        """The visualizer that renders: the runner's if it can draw videos, else one with its metainfo."""
        current = getattr(runner, 'visualizer', None) or self._visualizer
        if isinstance(current, VidSegLocalVisualizer):
            return current
        if self._own_visualizer is None:
            options = {}
            if isinstance(current, SegLocalVisualizer):
                options = dict(alpha=current.alpha, line_width=current.line_width,
                               draw_contours=current.draw_contours, kinds=current.kinds)
            self._own_visualizer = VidSegLocalVisualizer(name=f'seg_visualization_hook_{id(self)}', **options)
        self._own_visualizer.dataset_meta = getattr(current, 'dataset_meta', None) or {}
        return self._own_visualizer

    def test_out_path(self, runner: Runner) -> Optional[str]:
        """``<runner.log_dir>/<test_out_dir>`` (None when no ``test_out_dir`` was given)."""
        if self.test_out_dir is None:
            return None
        return osp.join(runner.log_dir, self.test_out_dir)

    def after_val_iter(self, runner: Runner, batch_idx: int, data_batch: dict,
                       outputs: Sequence[Sample]) -> None:
        """Every ``interval`` iterations, draw the first output sample to the storage backends."""
        if not self.draw or not outputs:
            return
        step = runner.iter + batch_idx
        if step % self.interval != 0:
            return
        sample = outputs[0]
        frame = sample[0] if isinstance(sample, TrackDataSample) else sample
        drawn = self._render(runner, frame)
        self._emit(runner, osp.basename(image_path_of(frame)) if self.show else 'val_img', drawn, None, step)

    def after_test_iter(self, runner: Runner, batch_idx: int, data_batch: dict,
                        outputs: Sequence[Sample]) -> None:
        """Draw every output sample: image overlays, or per-frame overlays and a GIF per video."""
        if not self.draw:
            return
        self._out_dir = self.test_out_path(runner)
        for sample in outputs:
            self._test_index += 1
            if isinstance(sample, TrackDataSample):
                self._draw_video(runner, sample)
            else:
                out_file = None
                if self._out_dir is not None:
                    out_file = osp.join(self._out_dir, osp.basename(image_path_of(sample)))
                name = osp.basename(image_path_of(sample)) if self.show else 'test_img'
                self._emit(runner, name, self._render(runner, sample), out_file, self._test_index)

    def after_test_epoch(self, runner: Runner, metrics: Optional[dict] = None) -> None:
        """Write the GIFs of videos whose frames came in several batches."""
        if self.draw and self._out_dir is not None:
            self.seg_visualizer(runner).finish_all(self._out_dir)

    def _render(self, runner: Runner, sample: DetDataSample) -> np.ndarray:
        """RGB rendering (GT | predictions) of one image sample, read from its ``img_path``."""
        image = load_rgb(image_path_of(sample), self.backend_args)
        return self.seg_visualizer(runner).render(image, sample, draw_gt=self.draw_gt,
                                                  pred_score_thr=self.score_thr)

    def _draw_video(self, runner: Runner, track_sample: TrackDataSample) -> None:
        """Per-frame overlays (+ GIF) of one video into the output folder, or each frame to the backends."""
        if self._out_dir is not None:
            images = [load_rgb(image_path_of(frame), self.backend_args) for frame in track_sample]
            self.seg_visualizer(runner).add_video(images, track_sample, self._out_dir, draw_gt=self.draw_gt,
                                                  pred_score_thr=self.score_thr)
            return
        video_name = video_name_of(track_sample[0])
        for frame in track_sample:
            name = f'{video_name}/{osp.basename(image_path_of(frame))}'
            self._emit(runner, name, self._render(runner, frame), None, self._test_index)

    def _emit(self, runner: Runner, name: str, drawn: np.ndarray, out_file: Optional[str], step: int) -> None:
        """Show ``drawn`` if asked; write it atomically to ``out_file``, else hand it to the backends."""
        if self.show:
            self._visualizer.show(drawn, win_name=name, wait_time=self.wait_time)
        if out_file is not None:
            write_image(out_file, drawn)
        elif not self.show:
            (getattr(runner, 'visualizer', None) or self._visualizer).add_image(name, drawn, step)
