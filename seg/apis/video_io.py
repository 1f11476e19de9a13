"""Frames of a video: a frame folder, a video file (OpenCV), or any iterable of images."""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .pipeline import ImageLike

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.webp')


def frame_files(folder: str | os.PathLike) -> list[Path]:
    """Image files of a frame folder, in name order."""
    files = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise FileNotFoundError(f'no frames ({", ".join(IMAGE_SUFFIXES)}) in {folder}')
    return files


def read_video_frames(path: str | os.PathLike) -> Iterable[np.ndarray]:
    """RGB frames of a video file (decoded with OpenCV)."""
    import cv2
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise OSError(f'cannot open video {path}')
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                return
            yield frame[..., ::-1]
    finally:
        capture.release()


def video_frames(video: str | os.PathLike | Iterable[ImageLike]) -> Iterable[ImageLike]:
    """Frames of a frame folder, a video file, or an iterable of images / image files."""
    if isinstance(video, (str, os.PathLike)):
        path = Path(video)
        if path.is_dir():
            return frame_files(path)
        if path.is_file():
            return read_video_frames(path)
        raise FileNotFoundError(f'video not found: {path}')
    return video
