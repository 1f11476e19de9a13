"""Split a video into consecutive tubes (clips) of nearly equal length for clip-by-clip inference."""
from __future__ import annotations

import math


def video_split(total: int, size: int) -> list[tuple[int, int]]:
    """[start, end) frame spans covering ``total`` frames with tubes of at most ``size`` frames.

    There are ceil(total / size) tubes of nominal length ``size``; the overshoot d is taken one frame
    each from the last d tubes when d is smaller than the tube count, else from the last tube only
    (MODEL.md §12.2). Example: total 7, size 3 -> [(0, 3), (3, 5), (5, 7)].
    """
    if total < 1 or size < 1:
        raise ValueError(f'video_split needs total >= 1 and size >= 1, got total={total}, size={size}')
    count = math.ceil(total / size)
    ends = [size * (i + 1) for i in range(count)]
    overshoot = count * size - total
    if overshoot < count:
        for i in range(overshoot):
            ends[count - 1 - i] -= overshoot - i
    else:
        ends[-1] -= overshoot
    starts = [0] + ends[:-1]
    return list(zip(starts, ends))
