"""Runtime vocabularies: text banks computed on the fly and cached by a content hash."""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence

from torch import Tensor

from .bank import EncodeText, bank_path, build_text_bank, load_text_bank, save_text_bank
from .templates import VILD_TEMPLATES


def vocabulary_hash(model_name: str, class_names: Sequence[str], templates: Sequence[str]) -> str:
    """Short content hash of (model name, class names, templates)."""
    payload = json.dumps([model_name, list(class_names), list(templates)], ensure_ascii=False)
    return hashlib.sha256(payload.encode('utf-8')).hexdigest()[:16]


def cached_text_bank(class_names: Sequence[str], encode_text: EncodeText,
                     cache_dir: str | os.PathLike | None, model_name: str,
                     templates: Sequence[str] = VILD_TEMPLATES) -> Tensor:
    """Bank of ``class_names`` built with ``encode_text``, reused from ``cache_dir`` when present.

    The file is ``{cache_dir}/{model_name}_vocab_{hash}.pth``; ``cache_dir=None`` disables caching.
    """
    if cache_dir is None:
        return build_text_bank(class_names, encode_text, templates)
    name = f'{model_name}_vocab_{vocabulary_hash(model_name, class_names, templates)}'
    path = bank_path(cache_dir, name)
    if path.is_file():
        return load_text_bank(path, num_classes=len(class_names))
    bank = build_text_bank(class_names, encode_text, templates)
    save_text_bank(bank, path, metadata=dict(model_name=model_name, class_names=list(class_names),
                                             templates=list(templates)))
    return bank
