"""Multi-click interactive metrics (SAM / SEEM convention): mIoU after k clicks, NoC@IoU capped at 20."""
from __future__ import annotations

import numpy as np

from .fileio import EvalInputError

__all__ = ['NOC_MAX_CLICKS', 'clicks_to_reach', 'miou_after_clicks', 'number_of_clicks']

NOC_MAX_CLICKS = 20


def _stack(click_ious) -> np.ndarray:
    """Per-object IoU curves of all images (each (N_i, C)) as one (N, C) float array."""
    curves = [np.asarray(v, dtype=np.float64) for v in click_ious]
    curves = [c.reshape(-1, c.shape[-1]) if c.size else c.reshape(0, c.shape[-1] if c.ndim else 0)
              for c in curves]
    widths = {c.shape[-1] for c in curves if c.size}
    if len(widths) > 1:
        raise EvalInputError(f'click IoU curves of different lengths {sorted(widths)}')
    width = widths.pop() if widths else 0
    return np.concatenate([c for c in curves if c.size]) if width else np.zeros((0, 0))


def clicks_to_reach(ious: np.ndarray, threshold: float, max_clicks: int = NOC_MAX_CLICKS) -> np.ndarray:
    """Clicks (N,) each object needs for IoU >= ``threshold`` (1-based index of the first such click in its
    curve (N, C)); ``max_clicks`` when it never does within ``min(C, max_clicks)`` clicks."""
    ious = np.asarray(ious, dtype=np.float64)[:, :max_clicks]
    reached = ious >= threshold
    return np.where(reached.any(-1), reached.argmax(-1) + 1, max_clicks)


def number_of_clicks(click_ious, threshold: float, max_clicks: int = NOC_MAX_CLICKS) -> float:
    """NoC@threshold: mean over all objects of :func:`clicks_to_reach` (0 when there is no object)."""
    curves = _stack(click_ious)
    return float(clicks_to_reach(curves, threshold, max_clicks).mean()) if len(curves) else 0.0


def miou_after_clicks(click_ious, num_clicks: int) -> float:
    """Mean IoU (percent) over all objects after ``num_clicks`` clicks (0 when there is no object)."""
    curves = _stack(click_ious)
    if not len(curves):
        return 0.0
    if curves.shape[-1] < num_clicks:
        raise EvalInputError(f'mIoU after {num_clicks} clicks needs curves of >= {num_clicks} clicks, '
                             f'got {curves.shape[-1]}')
    return 100 * float(curves[:, num_clicks - 1].mean())
