"""Presentation of metric dicts: flat scalar JSON and a readable table.

"Not defined" is not a number: COCOeval's -1 (an area range without objects) and NaN become ``None``
(``null`` in JSON, ``-`` in the table) instead of a value that reads as -0.01 %.
"""
from __future__ import annotations

import math
import numbers

__all__ = ['UNDEFINED', 'flat_metrics', 'format_table']

UNDEFINED = -1  # COCOeval's marker of a statistic that is not defined


def _is_undefined(value: float) -> bool:
    return value == UNDEFINED or (isinstance(value, float) and math.isnan(value))


def flat_metrics(results: dict) -> dict:
    """Only the top-level scalar numbers (benchmark key names), as plain floats / ints, ``None`` where
    the metric is not defined (-1 or NaN)."""
    flat = {}
    for key, value in results.items():
        if value is None:
            flat[key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Number):
            continue
        if _is_undefined(value):
            flat[key] = None
        else:
            flat[key] = int(value) if isinstance(value, numbers.Integral) else float(value)
    return flat


def format_table(title: str, metrics: dict, *, digits: int = 2) -> str:
    """Two-column table ``metric | value`` of the flat metrics (``-`` where not defined)."""
    rows = [(key, '-' if value is None else value if isinstance(value, int) else f'{value:.{digits}f}')
            for key, value in flat_metrics(metrics).items()]
    width = max([len(title), len('metric')] + [len(k) for k, _ in rows])
    value_width = max([len('value')] + [len(str(v)) for _, v in rows])
    line = '-' * (width + value_width + 3)
    out = [title, line, f'{"metric":<{width}} | {"value":>{value_width}}', line]
    out += [f'{key:<{width}} | {str(value):>{value_width}}' for key, value in rows]
    out.append(line)
    return '\n'.join(out)
