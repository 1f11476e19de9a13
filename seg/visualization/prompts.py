"""Draw interactive prompts on an image: clicks as + (positive) / - (negative) markers, boxes as frames."""
from __future__ import annotations

from typing import Optional, Sequence

import cv2
import numpy as np

POSITIVE_COLOR = (0, 220, 0)
NEGATIVE_COLOR = (230, 30, 30)
BOX_COLOR = (255, 215, 0)


def marker_size(shape: tuple[int, int]) -> int:
    """Half-length in pixels of a click marker for an image of ``shape`` (H, W): 2% of the shorter side."""
    return max(4, round(0.02 * min(shape)))


def _draw_marker(canvas: np.ndarray, x: float, y: float, positive: bool, size: int) -> None:
    """One click: a disc in the prompt colour with a white + (positive) or - (negative) on it."""
    center = (int(round(x)), int(round(y)))
    thickness = max(1, size // 3)
    cv2.circle(canvas, center, size + thickness, (0, 0, 0), -1, cv2.LINE_AA)
    cv2.circle(canvas, center, size, POSITIVE_COLOR if positive else NEGATIVE_COLOR, -1, cv2.LINE_AA)
    arm = max(2, size - thickness)
    x, y = center
    cv2.line(canvas, (x - arm, y), (x + arm, y), (255, 255, 255), thickness)
    if positive:
        cv2.line(canvas, (x, y - arm), (x, y + arm), (255, 255, 255), thickness)


def draw_prompts(image: np.ndarray, points: Optional[Sequence[Sequence[float]]] = None,
                 point_labels: Optional[Sequence[int]] = None,
                 boxes: Optional[Sequence[Sequence[float]]] = None) -> np.ndarray:
    """A copy of ``image`` (H, W, 3) uint8 RGB with its prompts drawn: ``points`` (P, 2) xy with
    ``point_labels`` (P,) 1 = positive (default), 0 = negative; ``boxes`` (M, 4) xyxy. Pixels of the image."""
    canvas = np.ascontiguousarray(image, dtype=np.uint8).copy()
    points = np.asarray(points if points is not None else [], dtype=np.float64).reshape(-1, 2)
    labels = np.ones(len(points), dtype=np.int64) if point_labels is None else np.asarray(point_labels)
    if len(labels) != len(points):
        raise ValueError(f'{len(points)} points but {len(labels)} point_labels')
    width = max(2, round(0.004 * min(canvas.shape[:2])))
    for x1, y1, x2, y2 in np.asarray(boxes if boxes is not None else [], dtype=np.float64).reshape(-1, 4):
        corners = (int(round(x1)), int(round(y1))), (int(round(x2)), int(round(y2)))
        cv2.rectangle(canvas, *corners, (0, 0, 0), width + 2, cv2.LINE_AA)
        cv2.rectangle(canvas, *corners, BOX_COLOR, width, cv2.LINE_AA)
    size = marker_size(canvas.shape[:2])
    for (x, y), label in zip(points, labels):
        _draw_marker(canvas, x, y, bool(label), size)
    return canvas
