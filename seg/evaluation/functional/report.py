"""Presentation of metric dicts: flat scalar JSON and a readable table."""
from __future__ import annotations

import math
import numbers

__all__ = ['flat_metrics', 'format_table']


def flat_metrics(results: dict) -> dict:
    """Only the top-level scalar numbers (benchmark key names), as plain floats / ints."""
    flat = {}
    for key, value in results.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Number):
            continue
        flat[key] = int(value) if isinstance(value, numbers.Integral) else float(value)
    return flat


def format_table(title: str, metrics: dict, *, digits: int = 2) -> str:
    """Two-column table ``metric | value`` of the flat metrics."""
    rows = [(key, value if isinstance(value, int) else
             ('nan' if isinstance(value, float) and math.isnan(value) else f'{value:.{digits}f}'))
            for key, value in flat_metrics(metrics).items()]
    width = max([len(title), len('metric')] + [len(k) for k, _ in rows])
    value_width = max([len('value')] + [len(str(v)) for _, v in rows])
    line = '-' * (width + value_width + 3)
    out = [title, line, f'{"metric":<{width}} | {"value":>{value_width}}', line]
    out += [f'{key:<{width}} | {str(value):>{value_width}}' for key, value in rows]
    out.append(line)
    return '\n'.join(out)
