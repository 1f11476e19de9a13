"""Binary silhouettes of the toy thing kinds, drawn on an image grid.

Every shape is a function ``(xx, yy, box) -> bool mask`` where ``xx``/``yy`` are the pixel-centre
coordinate grids (H, W) and ``box = (cx, cy, w, h)`` is the object's box in pixels. Each kind has a
distinctive outline so that a small model can tell the kinds apart from shape as well as texture.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

Box = tuple[float, float, float, float]
ShapeFn = Callable[[np.ndarray, np.ndarray, Box], np.ndarray]


def ellipse(xx: np.ndarray, yy: np.ndarray, cx: float, cy: float, rx: float, ry: float) -> np.ndarray:
    """Pixels inside the axis-aligned ellipse centred at (cx, cy) with radii (rx, ry)."""
    return ((xx - cx) / max(rx, 0.5)) ** 2 + ((yy - cy) / max(ry, 0.5)) ** 2 <= 1.0


def rectangle(xx: np.ndarray, yy: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """Pixels inside the axis-aligned rectangle [x0, x1) x [y0, y1)."""
    return (xx >= x0) & (xx < x1) & (yy >= y0) & (yy < y1)


def triangle(xx: np.ndarray, yy: np.ndarray, apex: tuple[float, float], base_y: float,
             half_width: float) -> np.ndarray:
    """Pixels inside an isosceles triangle with the given apex and a horizontal base."""
    ax, ay = apex
    height = base_y - ay
    if abs(height) < 1e-6:
        return np.zeros_like(xx, dtype=bool)
    frac = (yy - ay) / height
    return (frac >= 0) & (frac <= 1) & (np.abs(xx - ax) <= frac * half_width)


def person(xx: np.ndarray, yy: np.ndarray, box: Box) -> np.ndarray:
    """A tall body ellipse with a round head on top."""
    cx, cy, w, h = box
    top = cy - h / 2
    head = ellipse(xx, yy, cx, top + h * 0.13, w * 0.28, h * 0.13)
    body = ellipse(xx, yy, cx, top + h * 0.62, w * 0.5, h * 0.38)
    return head | body


def car(xx: np.ndarray, yy: np.ndarray, box: Box) -> np.ndarray:
    """A wide body with a narrower cabin on top and two round wheels."""
    cx, cy, w, h = box
    x0, y0 = cx - w / 2, cy - h / 2
    body = rectangle(xx, yy, x0, y0 + h * 0.4, x0 + w, y0 + h * 0.8)
    cabin = rectangle(xx, yy, x0 + w * 0.25, y0 + h * 0.1, x0 + w * 0.75, y0 + h * 0.4)
    wheels = ellipse(xx, yy, x0 + w * 0.22, y0 + h * 0.82, w * 0.12, h * 0.18)
    wheels |= ellipse(xx, yy, x0 + w * 0.78, y0 + h * 0.82, w * 0.12, h * 0.18)
    return body | cabin | wheels


def bus(xx: np.ndarray, yy: np.ndarray, box: Box) -> np.ndarray:
    """A long box with two small wheels."""
    cx, cy, w, h = box
    x0, y0 = cx - w / 2, cy - h / 2
    body = rectangle(xx, yy, x0, y0, x0 + w, y0 + h * 0.85)
    wheels = ellipse(xx, yy, x0 + w * 0.2, y0 + h * 0.85, w * 0.08, h * 0.15)
    wheels |= ellipse(xx, yy, x0 + w * 0.8, y0 + h * 0.85, w * 0.08, h * 0.15)
    return body | wheels


def motorcycle(xx: np.ndarray, yy: np.ndarray, box: Box) -> np.ndarray:
    """Two big wheels joined by a thick frame with a seat."""
    cx, cy, w, h = box
    x0, y0 = cx - w / 2, cy - h / 2
    wheels = ellipse(xx, yy, x0 + w * 0.22, y0 + h * 0.72, w * 0.22, h * 0.28)
    wheels |= ellipse(xx, yy, x0 + w * 0.78, y0 + h * 0.72, w * 0.22, h * 0.28)
    frame = rectangle(xx, yy, x0 + w * 0.2, y0 + h * 0.4, x0 + w * 0.8, y0 + h * 0.62)
    seat = rectangle(xx, yy, x0 + w * 0.35, y0 + h * 0.25, x0 + w * 0.6, y0 + h * 0.42)
    return wheels | frame | seat


def airplane(xx: np.ndarray, yy: np.ndarray, box: Box) -> np.ndarray:
    """A long fuselage crossed by a pair of wings and a small tail fin."""
    cx, cy, w, h = box
    fuselage = ellipse(xx, yy, cx, cy, w * 0.5, h * 0.16)
    wings = ellipse(xx, yy, cx + w * 0.05, cy, w * 0.12, h * 0.5)
    tail = ellipse(xx, yy, cx - w * 0.42, cy - h * 0.12, w * 0.06, h * 0.25)
    return fuselage | wings | tail


def boat(xx: np.ndarray, yy: np.ndarray, box: Box) -> np.ndarray:
    """A trapezoid hull with a triangular sail."""
    cx, cy, w, h = box
    top = cy - h / 2
    hull_top, hull_bottom = top + h * 0.6, top + h
    frac = (yy - hull_top) / (hull_bottom - hull_top)
    hull = (frac >= 0) & (frac <= 1) & (np.abs(xx - cx) <= w * (0.5 - 0.25 * frac))
    sail = triangle(xx, yy, (cx, top), hull_top, w * 0.3)
    return hull | sail


def dog(xx: np.ndarray, yy: np.ndarray, box: Box) -> np.ndarray:
    """A horizontal body with a round head at the front and four short legs."""
    cx, cy, w, h = box
    x0, y0 = cx - w / 2, cy - h / 2
    body = ellipse(xx, yy, cx - w * 0.08, y0 + h * 0.5, w * 0.38, h * 0.25)
    head = ellipse(xx, yy, x0 + w * 0.82, y0 + h * 0.3, w * 0.17, h * 0.22)
    legs = np.zeros_like(body)
    for fx in (0.2, 0.35, 0.55, 0.7):
        legs |= rectangle(xx, yy, x0 + w * fx, y0 + h * 0.6, x0 + w * (fx + 0.07), y0 + h)
    return body | head | legs


def horse(xx: np.ndarray, yy: np.ndarray, box: Box) -> np.ndarray:
    """A long body, a raised neck and head, and four long legs."""
    cx, cy, w, h = box
    x0, y0 = cx - w / 2, cy - h / 2
    body = ellipse(xx, yy, cx - w * 0.05, y0 + h * 0.42, w * 0.36, h * 0.18)
    neck = rectangle(xx, yy, x0 + w * 0.7, y0 + h * 0.1, x0 + w * 0.82, y0 + h * 0.42)
    head = ellipse(xx, yy, x0 + w * 0.86, y0 + h * 0.12, w * 0.13, h * 0.1)
    legs = np.zeros_like(body)
    for fx in (0.2, 0.3, 0.6, 0.7):
        legs |= rectangle(xx, yy, x0 + w * fx, y0 + h * 0.5, x0 + w * (fx + 0.06), y0 + h)
    return body | neck | head | legs


THING_SHAPES: dict[str, ShapeFn] = {
    'person': person,
    'car': car,
    'bus': bus,
    'motorcycle': motorcycle,
    'airplane': airplane,
    'boat': boat,
    'dog': dog,
    'horse': horse,
}

# Typical (width / height) aspect of each kind's box, so that silhouettes look right.
THING_ASPECTS: dict[str, float] = {
    'person': 0.45, 'car': 1.8, 'bus': 2.4, 'motorcycle': 1.5,
    'airplane': 2.0, 'boat': 1.2, 'dog': 1.5, 'horse': 1.3,
}
