"""Video visualizer: per-frame overlays with per-track colours, plus one animated GIF per video."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Sequence

import cv2
import numpy as np
from mmdet.registry import VISUALIZERS
from mmdet.structures import DetDataSample, TrackDataSample

from .image_io import shrink, write_gif
from .seg_local_visualizer import PREDICTION_KINDS, SegLocalVisualizer


def video_name_of(frame: DetDataSample) -> str:
    """Name of the video a frame belongs to: ``video_name``, else its folder, else ``video_<video_id>``."""
    if frame.metainfo.get('video_name'):
        return str(frame.metainfo['video_name'])
    img_path = frame.metainfo.get('img_path')
    if img_path and os.path.basename(os.path.dirname(img_path)):
        return os.path.basename(os.path.dirname(img_path))
    return f"video_{frame.metainfo.get('video_id', 0)}"


def frame_index_of(frame: DetDataSample, position: int) -> int:
    """Index of a frame in its video: its ``frame_id``, else its position in the clip."""
    return int(frame.metainfo.get('frame_id', position))


def frame_file_name(frame: DetDataSample, position: int) -> str:
    """File name of a frame's rendering: the basename of its image, else ``<frame index>.png``."""
    img_path = frame.metainfo.get('img_path')
    return os.path.basename(img_path) if img_path else f'{frame_index_of(frame, position):06d}.png'


def video_length_of(track_sample: TrackDataSample) -> int:
    """Number of frames of the whole video (``ori_video_length`` / ``video_length``, else the clip's)."""
    first = track_sample[0].metainfo if len(track_sample) else {}
    for key in ('ori_video_length', 'video_length'):
        if first.get(key):
            return int(first[key])
    return len(track_sample)


@VISUALIZERS.register_module()
class VidSegLocalVisualizer(SegLocalVisualizer):
    """Draw videos frame by frame (GT | predictions, like ``SegLocalVisualizer``) and collect a GIF.

    Frames go to ``<out_dir>/<video name>/<frame file name>``; once all frames of a video have been
    drawn (clips of one video may arrive in several calls), ``<out_dir>/<video name>.gif`` is written.
    Track colours are hashed from the track id, hence equal in every frame and every call.

    Args:
        gif_fps: frames per second of the GIF.
        gif_max_side: longer side of the GIF frames in pixels (renderings are shrunk to fit).
        Others: see ``SegLocalVisualizer``.
    """

    def __init__(self, name: str = 'visualizer', image: Optional[np.ndarray] = None,
                 vis_backends: Optional[list] = None, save_dir: Optional[str] = None, *,
                 alpha: float = 0.6, line_width: float = 2, draw_contours: bool = True,
                 kinds: Sequence[str] = PREDICTION_KINDS, gif_fps: float = 5.0,
                 gif_max_side: int = 960, panel_titles: bool = True) -> None:
        super().__init__(name=name, image=image, vis_backends=vis_backends, save_dir=save_dir, alpha=alpha,
                         line_width=line_width, draw_contours=draw_contours, kinds=kinds,
                         panel_titles=panel_titles)
        if gif_fps <= 0 or gif_max_side < 1:
            raise ValueError(f'gif_fps must be > 0 and gif_max_side >= 1, got {gif_fps}, {gif_max_side}')
        self.gif_fps = gif_fps
        self.gif_max_side = gif_max_side
        self._gif_frames: dict[str, dict[int, np.ndarray]] = {}
        self._gif_lengths: dict[str, int] = {}

    def add_video(self, images: Sequence[np.ndarray], track_sample: TrackDataSample, out_dir: str,
                  draw_gt: bool = True, draw_pred: bool = True, pred_score_thr: float = 0.3,
                  video_name: Optional[str] = None) -> list[Path]:
        """Draw every frame of ``track_sample`` (RGB ``images``, one per frame) into ``out_dir``.

        Returns the files written: the frames, plus the GIF when this call completed the video.
        """
        if len(images) != len(track_sample):
            raise ValueError(f'{len(images)} images for a TrackDataSample of {len(track_sample)} frames')
        if len(track_sample) == 0:
            return []
        video_name = video_name or video_name_of(track_sample[0])
        self._gif_lengths[video_name] = video_length_of(track_sample)
        written = []
        for position, (image, frame) in enumerate(zip(images, track_sample)):
            out_file = Path(out_dir) / video_name / frame_file_name(frame, position)
            drawn = self.add_datasample(f'{video_name}/{out_file.name}', image, frame, draw_gt=draw_gt,
                                        draw_pred=draw_pred, out_file=str(out_file),
                                        pred_score_thr=pred_score_thr)
            written.append(out_file)
            index = frame_index_of(frame, len(self._gif_frames.get(video_name, {})))
            self._gif_frames.setdefault(video_name, {})[index] = shrink(drawn, self.gif_max_side)
        if len(self._gif_frames[video_name]) >= self._gif_lengths[video_name]:
            written.append(self.finish_video(video_name, out_dir))
        return written

    def finish_video(self, video_name: str, out_dir: str) -> Path:
        """Write ``<out_dir>/<video_name>.gif`` from the frames collected so far (in frame order)."""
        frames = self._gif_frames.pop(video_name, {})
        self._gif_lengths.pop(video_name, None)
        if not frames:
            raise ValueError(f'no frames were drawn for video {video_name!r}')
        ordered = [frames[index] for index in sorted(frames)]
        height, width = ordered[0].shape[:2]
        ordered = [frame if frame.shape[:2] == (height, width) else _fit(frame, height, width)
                   for frame in ordered]
        return write_gif(Path(out_dir) / f'{video_name}.gif', ordered, self.gif_fps)

    def finish_all(self, out_dir: str) -> list[Path]:
        """Write the GIFs of videos whose frames did not all arrive (e.g. at the end of a test run)."""
        return [self.finish_video(name, out_dir) for name in list(self._gif_frames)]


def _fit(frame: np.ndarray, height: int, width: int) -> np.ndarray:
    """``frame`` resized to (height, width) so that GIF frames share one size."""
    return cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
