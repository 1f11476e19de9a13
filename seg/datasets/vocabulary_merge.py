"""Merge the class lists of several datasets into one vocabulary (things and stuff separately).

A class joins the first already-merged class of the same kind (thing/stuff) that shares at least one
normalised synonym; otherwise it is appended. Synonyms are compared unstripped, as the reference does.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .class_names import ClassNames, normalize_class_name
from .panoptic_codecs import NO_OBJ

LUT_SIZE = NO_OBJ + 1
UNMAPPED = -2  # marks labels a dataset does not define
CLASS_AGNOSTIC_LABEL = -1
CLASS_AGNOSTIC_RANGE = 1000


@dataclass(frozen=True)
class MergedVocabulary:
    """Merged class lists and, per input dataset, the mapping of its labels into them."""

    thing_classes: tuple[str, ...]
    stuff_classes: tuple[str, ...]
    label_maps: tuple[dict[int, int], ...]  # one per input; NO_OBJ -> NO_OBJ included

    @property
    def classes(self) -> tuple[str, ...]:
        """Things then stuff."""
        return self.thing_classes + self.stuff_classes


def _merge_into(merged: list[str], names: Sequence[str]) -> list[int]:
    """Append new names to ``merged`` in place; return each name's index in ``merged``."""
    indices = []
    for name in names:
        normalized = normalize_class_name(name)
        synonyms = set(normalized.split(','))
        match = next((i for i, other in enumerate(merged) if synonyms & set(other.split(','))), None)
        if match is None:
            merged.append(normalized)
            match = len(merged) - 1
        indices.append(match)
    return indices


def merge_vocabularies(vocabularies: Sequence[ClassNames | None]) -> MergedVocabulary:
    """Merge in order; ``None`` marks a class-agnostic dataset (all labels -> -1)."""
    things: list[str] = []
    stuff: list[str] = []
    thing_idx, stuff_idx = [], []
    for vocab in vocabularies:
        thing_idx.append(_merge_into(things, vocab.thing_classes) if vocab else [])
        stuff_idx.append(_merge_into(stuff, vocab.stuff_classes) if vocab else [])
    label_maps = []
    for vocab, t_idx, s_idx in zip(vocabularies, thing_idx, stuff_idx):
        if vocab is None:
            mapping = {label: CLASS_AGNOSTIC_LABEL for label in range(CLASS_AGNOSTIC_RANGE)}
        else:
            mapping = {i: m for i, m in enumerate(t_idx)}
            mapping.update({len(t_idx) + j: len(things) + m for j, m in enumerate(s_idx)})
        mapping[NO_OBJ] = NO_OBJ
        label_maps.append(mapping)
    return MergedVocabulary(tuple(things), tuple(stuff), tuple(label_maps))


def lookup_table(label_map: dict[int, int]) -> np.ndarray:
    """Dense int64 table over [0, NO_OBJ] for vectorised remapping; undefined labels -> UNMAPPED."""
    table = np.full(LUT_SIZE, UNMAPPED, dtype=np.int64)
    keys = np.fromiter(label_map.keys(), dtype=np.int64)
    table[keys] = np.fromiter(label_map.values(), dtype=np.int64)
    return table


def remap_labels(labels: np.ndarray, table: np.ndarray, what: str) -> np.ndarray:
    """``table[labels]`` with a clear error for labels outside the table or undefined in it."""
    labels = np.asarray(labels)
    if labels.size == 0:
        return labels.astype(np.int64)
    if labels.min() < 0 or labels.max() >= len(table):
        bad = np.unique(labels[(labels < 0) | (labels >= len(table))])
        raise ValueError(f'{what}: labels {bad} out of range')
    mapped = table[labels]
    if (mapped == UNMAPPED).any():
        raise ValueError(f'{what}: labels {np.unique(labels[mapped == UNMAPPED]).tolist()} are not defined '
                         'by the dataset vocabulary')
    return mapped
