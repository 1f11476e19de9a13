"""Colour textures of the toy thing and stuff kinds.

A texture maps pixel coordinates ``u, v`` (1-D float arrays; object-local for things, image
coordinates for stuff) to RGB values in [0, 255] (shape (N, 3), float32). Each kind has its own
base colour and pattern (stripes, checker, dots, bricks, ...) so that kinds are easy to learn.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

TextureFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _mix(base: tuple[int, int, int], other: tuple[int, int, int], weight: np.ndarray) -> np.ndarray:
    """Blend two colours per pixel: ``base * (1 - weight) + other * weight`` -> (N, 3)."""
    base_arr = np.asarray(base, dtype=np.float32)
    other_arr = np.asarray(other, dtype=np.float32)
    weight = weight.astype(np.float32)[:, None]
    return base_arr * (1.0 - weight) + other_arr * weight


def stripes(base, other, period: float, angle_deg: float) -> TextureFn:
    """Parallel stripes of two colours with the given period (pixels) and direction."""
    cos_a, sin_a = np.cos(np.deg2rad(angle_deg)), np.sin(np.deg2rad(angle_deg))

    def texture(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        phase = (u * cos_a + v * sin_a) / period
        return _mix(base, other, (np.floor(phase) % 2 == 1))
    return texture


def checker(base, other, cell: float) -> TextureFn:
    """A checkerboard of two colours with square cells of ``cell`` pixels."""
    def texture(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return _mix(base, other, (np.floor(u / cell) + np.floor(v / cell)) % 2 == 1)
    return texture


def dots(base, other, spacing: float, radius: float) -> TextureFn:
    """Round dots of ``other`` on a ``base`` background, on a square lattice."""
    def texture(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        du = (u % spacing) - spacing / 2
        dv = (v % spacing) - spacing / 2
        return _mix(base, other, du ** 2 + dv ** 2 <= radius ** 2)
    return texture


def windows(base, other, cell: float) -> TextureFn:
    """Rows of dark window panes (``other``) on a ``base`` body."""
    def texture(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        inside = ((u % cell) > cell * 0.25) & ((v % (2 * cell)) > cell * 0.3) & ((v % (2 * cell)) < cell)
        return _mix(base, other, inside)
    return texture


def smooth(base, other, period: float) -> TextureFn:
    """A soft sinusoidal shading between two close colours."""
    def texture(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return _mix(base, other, 0.5 + 0.5 * np.sin(2 * np.pi * (u + 0.5 * v) / period))
    return texture


def bricks(base, mortar, brick_w: float, brick_h: float) -> TextureFn:
    """A running-bond brick wall: ``base`` bricks separated by ``mortar`` lines."""
    def texture(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        row = np.floor(v / brick_h)
        shifted = u + (row % 2) * brick_w / 2
        is_mortar = ((v % brick_h) < 2) | ((shifted % brick_w) < 2)
        return _mix(base, mortar, is_mortar)
    return texture


def gradient(top, bottom, span: float) -> TextureFn:
    """A vertical gradient from ``top`` to ``bottom`` over ``span`` pixels (sky-like)."""
    def texture(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return _mix(top, bottom, np.clip(v / span, 0.0, 1.0))
    return texture


def lane(base, line, period: float) -> TextureFn:
    """Asphalt with a dashed lane marking every ``period`` pixels along rows."""
    def texture(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        on_line = (np.abs((v % (period / 2)) - period / 4) < 1.5) & ((u % period) < period / 2)
        return _mix(base, line, on_line)
    return texture


THING_TEXTURES: dict[str, TextureFn] = {
    'person': stripes((205, 40, 50), (240, 200, 190), period=6, angle_deg=90),
    'car': checker((30, 60, 200), (150, 180, 250), cell=6),
    'bus': windows((235, 200, 30), (40, 40, 50), cell=8),
    'motorcycle': dots((45, 45, 55), (220, 120, 0), spacing=7, radius=2),
    'airplane': smooth((235, 235, 245), (170, 175, 190), period=20),
    'boat': stripes((140, 60, 175), (250, 250, 250), period=5, angle_deg=0),
    'dog': dots((150, 95, 40), (70, 40, 20), spacing=9, radius=3),
    'horse': stripes((95, 45, 25), (150, 90, 50), period=8, angle_deg=45),
}

STUFF_TEXTURES: dict[str, TextureFn] = {
    'sky': gradient((95, 150, 230), (190, 220, 250), span=160),
    'wall': bricks((170, 80, 60), (205, 200, 185), brick_w=18, brick_h=8),
    'grass': stripes((55, 145, 45), (85, 175, 60), period=3, angle_deg=80),
    'road': lane((90, 90, 95), (240, 240, 235), period=40),
}
