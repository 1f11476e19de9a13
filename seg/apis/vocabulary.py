"""Class vocabularies of predictors: the config's, or any class names encoded on the fly (open vocabulary)."""
from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from mmengine.config import Config
from torch import Tensor, nn

from seg.models.text_embeddings import (
    BankVocabularyError,
    bank_metadata,
    bank_path,
    cached_text_bank,
    load_text_bank,
    split_synonyms,
)
from seg.visualization.names import display_name

DEFAULT_CACHE_DIR = 'data/embeddings/cache'


@dataclass(frozen=True)
class Vocabulary:
    """Classes of a model: ``classes[:num_things]`` are things (instances), the rest stuff (regions).

    A class string may hold comma-separated synonyms (``'person,child'``); its display name is the first,
    without dataset suffixes (:func:`~seg.visualization.names.display_name`, as results name classes).
    """

    classes: tuple[str, ...]
    num_things: int

    def __post_init__(self) -> None:
        if not self.classes:
            raise ValueError('a vocabulary needs at least one class')
        if not 0 <= self.num_things <= len(self.classes):
            raise ValueError(f'num_things={self.num_things} outside [0, {len(self.classes)}]')

    @classmethod
    def from_names(cls, thing_classes: Sequence[str], stuff_classes: Sequence[str] = ()) -> 'Vocabulary':
        """Vocabulary of thing classes followed by stuff classes (names validated)."""
        for name in (*thing_classes, *stuff_classes):
            if not isinstance(name, str):
                raise TypeError(f'class names must be strings, got {name!r}')
            split_synonyms(name)  # raises on empty names
        return cls(tuple(thing_classes) + tuple(stuff_classes), len(thing_classes))

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    @property
    def num_stuff(self) -> int:
        return len(self.classes) - self.num_things

    @property
    def names(self) -> list[str]:
        """Display name of every class (``display_name``: first synonym, no dataset suffix, no underscores),
        the names results give (``class_names``)."""
        return [display_name(name) for name in self.classes]

    def is_thing(self, label: int) -> bool:
        return int(label) < self.num_things


def parse_class_list(spec: str) -> list[str]:
    """Class names from a ``.txt`` file (one class per line, commas = synonyms), a ``.json`` list, or a
    comma-separated string ``'cat,dog,sky'``."""
    path = Path(spec)
    if path.suffix in ('.txt', '.json') and not path.is_file():
        raise FileNotFoundError(f'class-list file not found: {spec}')
    if path.suffix == '.json':
        names = json.loads(path.read_text(encoding='utf-8'))
    elif path.suffix == '.txt':
        names = [line.strip() for line in path.read_text(encoding='utf-8').splitlines()]
    else:
        names = [name.strip() for name in spec.split(',')]
    names = [name for name in names if isinstance(name, str) and name.strip()]
    if not names:
        raise ValueError(f'no class names in {spec!r}')
    return names


def _bank_sidecar_classes(classifier_cfg: dict) -> list[str] | None:
    """Class names recorded next to the config's text bank by ``tools/gen_cls.py`` (None if absent)."""
    name = classifier_cfg.get('bank_name')
    if not name:
        return None
    sidecar = bank_path(classifier_cfg.get('embeddings_dir', 'data/embeddings'), name).with_suffix('.json')
    if not sidecar.is_file():
        return None
    return list(json.loads(sidecar.read_text(encoding='utf-8')).get('class_names') or []) or None


def config_vocabulary(cfg: Config, model: nn.Module) -> Vocabulary:
    """The vocabulary the model was configured with: the bank's recorded names, ``cfg.CLASSES`` or
    generic ``class_<i>`` names, split into things / stuff as the model is."""
    num_classes, num_things = model.num_classes, model.num_things_classes
    classifier_cfg = cfg.model.get('panoptic_head', {}).get('classifier', {})
    for names in (_bank_sidecar_classes(classifier_cfg), cfg.get('CLASSES')):
        if names is not None and len(names) == num_classes:
            return Vocabulary(tuple(names), num_things)
    return Vocabulary(tuple(f'class_{i}' for i in range(num_classes)), num_things)


def load_bank_vocabulary(path: str | os.PathLike,
                         num_things: int | None = None) -> tuple[Vocabulary, Tensor]:
    """(vocabulary, bank (N, K, D)) of a bank file written by ``tools/gen_cls.py``: the class names are the
    ones its ``.json`` sidecar records; things are the first ``num_things`` (default: as recorded, else
    all)."""
    meta = bank_metadata(path) or {}
    names = meta.get('class_names')
    if not names:
        raise BankVocabularyError(f'text bank {path}: no class names recorded beside it '
                                  f'({Path(path).with_suffix(".json")}); rebuild it with tools/gen_cls.py')
    bank = load_text_bank(path, num_classes=len(names))
    if num_things is None:
        num_things = meta.get('num_things')
    return Vocabulary(tuple(names), len(names) if num_things is None else int(num_things)), bank


def vocabulary_cache_dir(cfg: Config) -> str:
    """Where runtime vocabularies are cached: ``cfg.embeddings_cache_dir`` or ``data/embeddings/cache``."""
    return cfg.get('embeddings_cache_dir') or DEFAULT_CACHE_DIR


def encode_vocabulary(model: nn.Module, vocabulary: Vocabulary,
                      cache_dir: str | os.PathLike | None) -> Tensor:
    """Text bank (N, K, D) of ``vocabulary`` from the model's CLIP text tower (cached in ``cache_dir``)."""
    backbone = model.backbone
    if not hasattr(backbone, 'encode_text'):
        raise TypeError(f'{type(backbone).__name__} has no encode_text(): open-vocabulary classes need a '
                        f'CLIP backbone with a text tower')
    return cached_text_bank(list(vocabulary.classes), backbone.encode_text, cache_dir, backbone.model_name)


def seen_mask(vocabulary: Vocabulary, trained: Vocabulary) -> Tensor:
    """(N,) bool: which classes of ``vocabulary`` share a synonym with a class of ``trained``."""
    known = {synonym for name in trained.classes for synonym in split_synonyms(name)}
    return torch.tensor([bool(set(split_synonyms(name)) & known) for name in vocabulary.classes])


def install_vocabulary(model: nn.Module, vocabulary: Vocabulary, bank: Tensor,
                       seen: Tensor | None = None) -> None:
    """Make ``model`` classify into ``vocabulary`` with text bank (N, K, D) (``model.set_vocabulary``);
    ``seen`` (N,) keeps the open-vocabulary re-scoring on (None: off)."""
    from seg.models.classifiers import TextVocabulary
    if bank.shape[0] != vocabulary.num_classes:
        raise ValueError(f'bank has {bank.shape[0]} classes for a vocabulary of {vocabulary.num_classes}')
    model.set_vocabulary(TextVocabulary(bank, vocabulary.num_things, seen))
