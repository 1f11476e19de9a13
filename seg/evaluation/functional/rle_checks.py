"""Validation of COCO mask encodings (polygons, uncompressed and compressed RLE) before any decoding.

pycocotools trusts its input: compressed RLE counts that do not add up to ``height x width`` make
``mask.iou`` / ``COCOeval`` loop for ever or decode memory beyond the mask (garbage areas). Every
reader of masks (evaluators, datasets, converters) calls :func:`find_invalid` or
:func:`to_compressed_rle` first; the caller adds the file, record and frame to the message.

The compressed-counts decoder below is pycocotools' ``rleFrString`` vectorised over a whole batch of
strings (one pass of numpy over all masks of a file), so checking costs little next to evaluation.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ['MaskError', 'compressed_counts', 'find_invalid', 'to_compressed_rle']

MAX_DIGITS = 7  # 7 x 5 bits = 35 bits: any run length of a real mask fits
CHUNK = 4096  # strings decoded per numpy pass (bounds the temporary arrays)


class MaskError(ValueError):
    """A segmentation that is not a valid mask of its image (the message says what is wrong)."""


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _check_polygons(polygons: list) -> None:
    """A list of polygons, each a flat list ``[x1, y1, x2, y2, ...]`` of finite numbers."""
    for index, polygon in enumerate(polygons):
        if not isinstance(polygon, (list, tuple)):
            raise MaskError(f'polygon {index} is a {type(polygon).__name__}, expected a list '
                            '[x1, y1, x2, y2, ...] (polygons are a list of lists)')
        if len(polygon) % 2 or not all(_is_number(v) for v in polygon):
            raise MaskError(f'polygon {index} must hold an even number of finite coordinates, got '
                            f'{len(polygon)} values')


def _structure(segm, height: int, width: int) -> bytes | None:
    """Check everything but the compressed counts; returns those counts (bytes) or None if checked."""
    if isinstance(segm, str):
        raise MaskError('segmentation is a string; expected polygons (a list of [x1, y1, ...]) or an RLE '
                        'dict with "size" and "counts"')
    if isinstance(segm, (list, tuple)):
        _check_polygons(segm)
        return None
    if not isinstance(segm, dict):
        raise MaskError(f'segmentation is a {type(segm).__name__}; expected polygons or an RLE dict')
    if 'size' not in segm or 'counts' not in segm:
        raise MaskError(f'RLE needs "size" and "counts", got keys {sorted(segm)}')
    size = segm['size']
    if not (isinstance(size, (list, tuple)) and len(size) == 2 and all(_is_int(v) for v in size)):
        raise MaskError(f'RLE size must be [height, width], got {size!r}')
    if [int(v) for v in size] != [height, width]:
        raise MaskError(f'RLE size {list(size)} differs from the image size {[height, width]}')
    counts = segm['counts']
    if isinstance(counts, (list, tuple)):  # uncompressed RLE
        if not all(_is_int(v) and v >= 0 for v in counts):
            raise MaskError('uncompressed RLE counts must be non-negative integers')
        total = int(sum(counts))
        if total != height * width:
            raise MaskError(f'RLE counts sum to {total}, expected height x width = {height} x {width} = '
                            f'{height * width}')
        return None
    if isinstance(counts, str):
        if counts[:2] in ("b'", 'b"'):
            raise MaskError(f'RLE counts {counts[:12]!r}... are the repr of a bytes object; write '
                            "counts.decode('ascii') instead of str(counts)")
        try:
            return counts.encode('ascii')
        except UnicodeEncodeError:
            raise MaskError('RLE counts contain non-ASCII characters') from None
    if isinstance(counts, bytes):
        return counts
    raise MaskError(f'RLE counts must be a string (compressed) or a list of integers, got '
                    f'{type(counts).__name__}')


def compressed_counts(strings: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray, list]:
    """Decode compressed RLE strings as pycocotools' ``rleFrString``: (counts, bounds, problems).

    The run lengths of string ``i`` are ``counts[bounds[i]:bounds[i + 1]]`` (int64); ``problems[i]``
    describes what is wrong with its characters, or is None.
    """
    n = len(strings)
    problems: list = [None] * n
    lengths = np.fromiter((len(s) for s in strings), np.int64, n)
    if lengths.sum() == 0:
        return np.zeros(0, np.int64), np.zeros(n + 1, np.int64), problems
    string_start = np.cumsum(lengths) - lengths
    chars = np.frombuffer(b''.join(strings), np.uint8).astype(np.int64) - 48
    string_of = np.repeat(np.arange(n), lengths)
    bad = (chars < 0) | (chars > 63)
    for position in np.flatnonzero(bad)[::-1]:  # keep the first bad character of each string
        s = string_of[position]
        problems[s] = (f'RLE counts contain {chr(chars[position] + 48)!r} at character '
                       f"{position - string_start[s]}; compressed counts use only '0'..'o'")
    chars[bad] = 0
    more = (chars & 0x20) != 0
    nonempty = np.flatnonzero(lengths)
    last = string_start[nonempty] + lengths[nonempty] - 1
    for s in nonempty[more[last]]:
        problems[s] = problems[s] or 'RLE counts end inside a run length (truncated string)'
    more[last] = False  # no run length spans two strings
    starts = np.flatnonzero(np.concatenate([[True], ~more[:-1]]))
    group_len = np.diff(np.append(starts, len(chars)))
    digit = np.arange(len(chars)) - np.repeat(starts, group_len)
    np.minimum(digit, 12, out=digit)
    values = np.add.reduceat((chars & 0x1f) << (5 * digit), starts)
    negative = (chars[starts + group_len - 1] & 0x10) != 0
    values -= np.where(negative, np.int64(1) << (5 * np.minimum(group_len, 12)), 0)
    group_string = string_of[starts]
    for s in np.unique(group_string[group_len > MAX_DIGITS]):
        problems[s] = problems[s] or f'RLE counts hold a run length of more than {MAX_DIGITS} digits'
    bounds = np.searchsorted(group_string, np.arange(n + 1))
    first = np.repeat(bounds[:-1], np.diff(bounds))
    index = np.arange(len(starts)) - first  # run index within its string
    odd, even = index % 2 == 1, (index % 2 == 0) & (index >= 2)

    def string_cumsum(v: np.ndarray) -> np.ndarray:
        total = np.cumsum(v)
        return total - (total[first] - v[first])

    counts = np.where(index == 0, values, np.where(odd, string_cumsum(np.where(odd, values, 0)),
                                                   string_cumsum(np.where(even, values, 0))))
    return counts, bounds, problems


def _counts_problems(strings: list[bytes], sizes: list[tuple[int, int]]) -> list:
    """Per compressed string: what is wrong with it as the counts of a mask of its size, or None."""
    counts, bounds, problems = compressed_counts(strings)
    area = np.array([h * w for h, w in sizes], np.int64).reshape(-1)
    runs = np.diff(bounds)
    owner = np.repeat(np.arange(len(strings)), runs)
    has_negative = np.bincount(owner[counts < 0], minlength=len(strings)) > 0
    too_long = np.bincount(owner[counts > area[owner]], minlength=len(strings)) > 0
    totals = np.add.reduceat(np.append(counts, 0), bounds[:-1]) * (runs > 0)
    for s in np.flatnonzero(has_negative | too_long | (totals != area)):
        if problems[s]:
            continue
        height, width = sizes[s]
        if has_negative[s]:
            problems[s] = 'RLE counts decode to a negative run length'
            continue
        shown = 'hold a run longer than the mask' if too_long[s] else f'sum to {totals[s]}'
        problems[s] = f'RLE counts {shown}, expected height x width = {height} x {width} = {height * width}'
    return problems


def find_invalid(segms: Sequence, sizes: Sequence[tuple[int, int]], *,
                 allow_none: bool = False) -> tuple[int, str] | None:
    """(index, problem) of the first segmentation that is not a valid mask of its (height, width), or None.

    Accepts what COCO allows: polygons, uncompressed RLE (``counts`` a list) and compressed RLE (``counts``
    a string, or bytes in memory). ``allow_none``: None / empty entries (absent video frames) are valid.
    """
    pending, where = [], []
    for index, (segm, (height, width)) in enumerate(zip(segms, sizes)):
        if segm is None or (isinstance(segm, (list, tuple)) and not segm):
            if allow_none:
                continue
            return index, 'segmentation is empty'
        try:
            counts = _structure(segm, int(height), int(width))
        except MaskError as err:
            return index, str(err)
        if counts is not None:
            pending.append(counts)
            where.append(index)
    for begin in range(0, len(pending), CHUNK):
        chunk = where[begin:begin + CHUNK]
        problems = _counts_problems(pending[begin:begin + CHUNK], [tuple(map(int, sizes[i])) for i in chunk])
        for slot, problem in enumerate(problems):
            if problem:
                return chunk[slot], problem
    return None


def to_compressed_rle(segm, height: int, width: int, *, checked: bool = False) -> dict | None:
    """A segmentation as compressed RLE with bytes counts; None if empty.

    Raises :class:`MaskError` for an invalid one; ``checked=True`` skips the check (already done on the
    whole batch with :func:`find_invalid`).
    """
    from pycocotools import mask as mask_utils
    invalid = None if checked else find_invalid([segm], [(height, width)], allow_none=True)
    if invalid:
        raise MaskError(invalid[1])
    if segm is None or (isinstance(segm, (list, tuple)) and not segm):
        return None
    if isinstance(segm, (list, tuple)):
        return mask_utils.merge(mask_utils.frPyObjects([list(p) for p in segm], height, width))
    counts = segm['counts']
    if isinstance(counts, (list, tuple)):
        return mask_utils.frPyObjects({'size': [height, width], 'counts': list(counts)}, height, width)
    return {'size': [height, width], 'counts': counts.encode('ascii') if isinstance(counts, str) else counts}
