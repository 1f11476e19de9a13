"""Class-name lists shipped as data files under ``ext/class_names/`` (one JSON per vocabulary)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

EXT_DIR = Path(__file__).resolve().parents[2] / 'ext'
CLASS_NAMES_DIR = EXT_DIR / 'class_names'


@dataclass(frozen=True)
class ClassNames:
    """A vocabulary split into thing and stuff names (things first in label order)."""

    thing_classes: tuple[str, ...]
    stuff_classes: tuple[str, ...]

    @property
    def classes(self) -> tuple[str, ...]:
        """All names in label order: things then stuff."""
        return self.thing_classes + self.stuff_classes

    def metainfo(self) -> dict:
        """Metainfo dict for an mmengine dataset (``classes``, ``thing_classes``, ``stuff_classes``)."""
        return dict(classes=self.classes, thing_classes=self.thing_classes,
                    stuff_classes=self.stuff_classes)


def available_class_lists() -> list[str]:
    """Names of the class-list files in ``ext/class_names`` (without extension)."""
    return sorted(p.stem for p in CLASS_NAMES_DIR.glob('*.json'))


@lru_cache(maxsize=None)
def _read_class_file(name: str) -> dict:
    """Raw content of ``ext/class_names/{name}.json``."""
    path = CLASS_NAMES_DIR / f'{name}.json'
    if not path.is_file():
        raise FileNotFoundError(
            f'class-name list {name!r} not found at {path}; available: {available_class_lists()}')
    with open(path, encoding='utf-8') as f:
        content = json.load(f)
    for key in ('thing_classes', 'stuff_classes'):
        if not isinstance(content.get(key), list):
            raise ValueError(f'{path}: key {key!r} must be a list of strings')
    return content


def load_class_names(name: str) -> ClassNames:
    """Load the vocabulary ``ext/class_names/{name}.json`` (e.g. ``'coco_panoptic_ov'``)."""
    content = _read_class_file(name)
    return ClassNames(tuple(content['thing_classes']), tuple(content['stuff_classes']))


def vipseg_official_order() -> tuple[str, ...]:
    """VIPSeg class names in official category-id order (id = position), as the PNG values use."""
    return tuple(_read_class_file('vipseg')['official_order'])


def normalize_class_name(class_name: str) -> str:
    """Map separators to commas and lowercase: ``'_or_'``/``'/'`` -> ``','``, ``'_'`` -> space."""
    return class_name.replace('_or_', ',').replace('/', ',').replace('_', ' ').lower()


def split_synonyms(class_name: str) -> list[str]:
    """Synonyms of one class string, normalised and stripped (``'ship_or_boat'`` -> ``['ship', 'boat']``)."""
    synonyms = [s.strip() for s in normalize_class_name(class_name).split(',')]
    synonyms = [s for s in synonyms if s]
    if not synonyms:
        raise ValueError(f'class name {class_name!r} has no synonym after normalisation')
    return synonyms


def class_overlap(test_classes: Sequence[str], train_classes: Sequence[str]) -> list[bool]:
    """Per test class (in the given order): does any of its synonyms name a training class synonym?"""
    train_synonyms = {synonym for name in train_classes for synonym in split_synonyms(name)}
    return [any(synonym in train_synonyms for synonym in split_synonyms(name)) for name in test_classes]
