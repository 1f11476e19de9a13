"""Caption layout and drawing: labels inside the image, not overlapping each other or reserved areas."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

Box = tuple[int, int, int, int]  # x1, y1, x2, y2 (x2, y2 exclusive)
PADDING = 2  # pixels between the text and the edge of its background box
BACKGROUND_ALPHA = 0.7


@dataclass(frozen=True)
class Label:
    """A caption to place: ``anchor`` (x, y) in pixels; ``corner``: the anchor is a box corner (label
    preferably just above it, else just inside), else a region centre (label centred on it)."""

    text: str
    anchor: tuple[float, float]
    corner: bool = False


def font_size_for(shape: tuple[int, int]) -> int:
    """Caption font size in pixels for an image of ``shape`` (H, W): 1/30 of the shorter side, 10 to 22."""
    return int(np.clip(round(min(shape) / 30), 10, 22))


@lru_cache(maxsize=8)
def caption_font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow's bundled scalable font at ``size`` pixels."""
    return ImageFont.load_default(size)


def text_size(text: str, size: int) -> tuple[int, int]:
    """(width, height) of the background box of ``text`` at font ``size``, padding included."""
    left, top, right, bottom = caption_font(size).getbbox(text)
    return int(right - min(left, 0)) + 2 * PADDING, int(bottom - min(top, 0)) + 2 * PADDING


def overlap(a: Box, b: Box) -> int:
    """Area shared by two boxes."""
    return max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))


def _clamped(x: float, y: float, width: int, height: int, shape: tuple[int, int]) -> Box:
    """Box of ``width`` x ``height`` with top-left (x, y), moved inside an image of ``shape``."""
    x = int(round(min(max(x, 0), max(shape[1] - width, 0))))
    y = int(round(min(max(y, 0), max(shape[0] - height, 0))))
    return x, y, x + width, y + height


def candidate_boxes(label: Label, size: tuple[int, int], shape: tuple[int, int]) -> list[Box]:
    """Positions to try for one label, best first, each inside the image: the preferred spot, then
    spots further and further away from the anchor (rings of half a label height)."""
    width, height = size
    x, y = label.anchor
    first = [(x, y - height), (x, y)] if label.corner else [(x - width / 2, y - height / 2)]
    start_x, start_y = first[-1]
    step = max(2, height // 2)
    rings = []
    for radius in range(1, 13):
        offsets = range(-radius, radius + 1)
        for dy in offsets:
            for dx in (offsets if abs(dy) == radius else (-radius, radius)):
                rings.append((start_x + dx * step * 2, start_y + dy * step))
    boxes = [_clamped(cx, cy, width, height, shape) for cx, cy in first + rings]
    return list(dict.fromkeys(boxes))  # same order, duplicates (from clamping) dropped


def place_labels(labels: Sequence[Label], sizes: Sequence[tuple[int, int]], shape: tuple[int, int],
                 reserved: Sequence[Box] = ()) -> list[Box]:
    """A box per label (in order: earlier labels get the better spots), inside the image of ``shape``
    (H, W), overlapping neither an earlier label nor a ``reserved`` box where the image leaves room;
    where it does not, the spot with the least overlap."""
    taken = list(reserved)
    placed = []
    for label, size in zip(labels, sizes):
        best, best_cost = None, None
        for box in candidate_boxes(label, size, shape):
            cost = sum(overlap(box, other) for other in taken)
            if best_cost is None or cost < best_cost:
                best, best_cost = box, cost
            if cost == 0:
                break
        placed.append(best)
        taken.append(best)
    return placed


def draw_text_boxes(image: np.ndarray, texts: Sequence[str], boxes: Sequence[Box], size: int,
                    color: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    """``image`` (H, W, 3) uint8 with each text written on a translucent black box."""
    canvas = image.copy()
    for x1, y1, x2, y2 in boxes:
        region = canvas[y1:y2, x1:x2]
        region[:] = (region * (1 - BACKGROUND_ALPHA)).astype(np.uint8)
    picture = Image.fromarray(canvas)
    draw, font = ImageDraw.Draw(picture), caption_font(size)
    for text, (x1, y1, _, _) in zip(texts, boxes):
        left, top, _, _ = font.getbbox(text)
        draw.text((x1 + PADDING - min(left, 0), y1 + PADDING - min(top, 0)), text, fill=color, font=font)
    return np.asarray(picture)


def draw_labels(image: np.ndarray, labels: Sequence[Label], reserved: Sequence[Box] = (),
                size: Optional[int] = None) -> np.ndarray:
    """``image`` with the labels laid out by :func:`place_labels` and drawn (earlier = better spot)."""
    if not labels:
        return image
    size = size or font_size_for(image.shape[:2])
    sizes = [text_size(label.text, size) for label in labels]
    boxes = place_labels(labels, sizes, image.shape[:2], reserved)
    return draw_text_boxes(image, [label.text for label in labels], boxes, size)


def draw_title(image: np.ndarray, title: str, size: Optional[int] = None) -> tuple[np.ndarray, Box]:
    """``image`` with ``title`` in its top-left corner, and the box it takes (reserve it for labels)."""
    size = size or font_size_for(image.shape[:2])
    width, height = text_size(title, size)
    box = _clamped(0, 0, width, height, image.shape[:2])
    return draw_text_boxes(image, [title], [box], size, color=(255, 235, 120)), box
