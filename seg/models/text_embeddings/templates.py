"""Prompt templates for text-embedding banks, read from ``ext/prompt_templates/``."""
from __future__ import annotations

import json

from seg.datasets.class_names import EXT_DIR

PROMPT_TEMPLATES_DIR = EXT_DIR / 'prompt_templates'


def load_templates(name: str = 'vild') -> tuple[str, ...]:
    """Templates of ``ext/prompt_templates/{name}.json``; each contains one ``{}`` placeholder."""
    path = PROMPT_TEMPLATES_DIR / f'{name}.json'
    with open(path, encoding='utf-8') as f:
        templates = tuple(json.load(f)['templates'])
    bad = [t for t in templates if t.count('{}') != 1]
    if bad:
        raise ValueError(f'{path}: every template needs exactly one "{{}}", bad: {bad}')
    return templates


VILD_TEMPLATES: tuple[str, ...] = load_templates('vild')
