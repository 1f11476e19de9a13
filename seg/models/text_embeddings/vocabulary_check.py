"""Which classes a text bank encodes (its ``.json`` sidecar) and whether they are the configured vocabulary.

``tools/gen_cls.py`` records ``class_names`` (and ``num_things`` when the split is known) next to every bank;
a bank whose recorded names differ from the vocabulary it is used for (count, order or names) is refused,
naming the bank file and the first difference.
"""
from __future__ import annotations

import json
import os
from collections.abc import Sequence
from copy import deepcopy
from pathlib import Path

from .synonyms import normalize_class_name, split_synonyms

__all__ = ['BankVocabularyError', 'bank_metadata', 'check_bank_vocabulary', 'config_vocabulary',
           'first_mismatch', 'mark_lazy', 'same_class', 'scored_vocabulary']


class BankVocabularyError(ValueError):
    """A text bank encodes other classes than the vocabulary it is used for."""


def bank_metadata(path: str | os.PathLike) -> dict | None:
    """The ``.json`` sidecar ``tools/gen_cls.py`` wrote beside the bank (None when there is none)."""
    sidecar = Path(path).with_suffix('.json')
    if not sidecar.is_file():
        return None
    try:
        data = json.loads(sidecar.read_text(encoding='utf-8'))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise BankVocabularyError(f'{sidecar}: unreadable bank sidecar ({err})') from err
    return data if isinstance(data, dict) else None


def same_class(bank_name: str, configured: str) -> bool:
    """Whether two class strings name one class: they share a (normalised) synonym, as the open-vocabulary
    bank ``'person,child,...'`` and the dataset's ``'person'`` do."""
    def synonyms(name: str) -> set:
        return {normalize_class_name(s) for s in split_synonyms(name)}
    return bank_name == configured or bool(synonyms(bank_name) & synonyms(configured))


def first_mismatch(bank_names: Sequence[str], expected: Sequence[str]) -> str | None:
    """Describe the first difference between two class lists (None when they name the same classes in the
    same order; see :func:`same_class`)."""
    for index, (ours, theirs) in enumerate(zip(bank_names, expected)):
        if not same_class(ours, theirs):
            return f'class {index} is {ours!r} in the bank but {theirs!r} in the configuration'
    if len(bank_names) != len(expected):
        common = min(len(bank_names), len(expected))
        longer, which = (bank_names, 'bank') if len(bank_names) > common else (expected, 'configuration')
        return (f'{len(bank_names)} classes in the bank, {len(expected)} in the configuration; '
                f'class {common} ({longer[common]!r}) is only in the {which}')
    return None


def check_bank_vocabulary(path: str | os.PathLike, expected: Sequence[str], configured_as: str) -> None:
    """Raise :class:`BankVocabularyError` when the bank at ``path`` records other class names than
    ``expected`` (``configured_as`` says where those come from). Banks without a sidecar are not checked."""
    meta = bank_metadata(path)
    names = (meta or {}).get('class_names')
    if not names:
        return
    problem = first_mismatch(list(names), list(expected))
    if problem:
        raise BankVocabularyError(
            f'text bank {path} does not encode the vocabulary of {configured_as}: {problem}. Build a bank '
            f'for it (python tools/gen_cls.py CONFIG) or give the classes the bank was built for '
            f'(recorded in {Path(path).with_suffix(".json")}).')


def mark_lazy(dataset_cfg):
    """Set ``lazy_init=True`` on a dataset config and every nested dataset config (metainfo only)."""
    if isinstance(dataset_cfg, (list, tuple)):
        for item in dataset_cfg:
            mark_lazy(item)
        return dataset_cfg
    if not isinstance(dataset_cfg, dict):
        return dataset_cfg
    for key in ('dataset', 'datasets'):
        if key in dataset_cfg:
            mark_lazy(dataset_cfg[key])
    dataset_cfg['lazy_init'] = True
    return dataset_cfg


def dataset_vocabulary(dataset) -> tuple[list[str], str]:
    """(classes, dataset_name) of a built dataset, unwrapping Repeat/ClassBalanced wrappers."""
    while not hasattr(dataset, 'dataset_name') and hasattr(dataset, 'dataset'):
        dataset = dataset.dataset
    name = getattr(dataset, 'dataset_name', None) or type(dataset).__name__
    return list(dataset.metainfo['classes']), name


def dataloader_dataset(cfg, key: str):
    """``cfg[key].dataset`` or None when the loader (or its dataset) is absent, as in eval configs."""
    loader = cfg.get(key)
    return loader.get('dataset') if loader else None


def _built_vocabulary(dataset_cfg) -> tuple[list[str], str]:
    """(classes, dataset_name) of a dataset config, built lazily (metainfo only)."""
    from mmdet.registry import DATASETS
    return dataset_vocabulary(DATASETS.build(mark_lazy(deepcopy(dataset_cfg))))


def config_vocabulary(cfg) -> tuple[list[str], str]:
    """(classes, dataset_name): ``cfg.CLASSES``/``DATASET_NAME`` or the train (else test) dataset metainfo."""
    if cfg.get('CLASSES') is not None:
        name = cfg.get('DATASET_NAME')
        if not name:
            raise KeyError('the config defines CLASSES but not DATASET_NAME (the bank file name part)')
        return list(cfg.CLASSES), name
    dataset_cfg = dataloader_dataset(cfg, 'train_dataloader') or dataloader_dataset(cfg, 'test_dataloader')
    if dataset_cfg is None:
        raise KeyError('the config has neither CLASSES nor a train/test_dataloader.dataset with classes')
    return _built_vocabulary(dataset_cfg)


def scored_vocabulary(cfg) -> tuple[list[str], str] | None:
    """(classes, where from) the config's labels mean: what ``tools/gen_cls.py CONFIG`` encodes
    (``cfg.CLASSES``, else the train, else the test dataset's); None when the config has none of them."""
    try:
        classes, name = config_vocabulary(cfg)
    except KeyError:
        return None
    return classes, f'the config ({name})'
