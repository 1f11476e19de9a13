"""Class display names, one function for pictures and API results ('sky-other-merged' -> 'sky')."""
from __future__ import annotations

import re

# Suffixes that datasets add to tell merged / leftover classes apart; not part of what a person calls it.
DATASET_SUFFIXES = ('-merged', '-other', '-stuff')


def display_name(class_name: str) -> str:
    """The name to show for a class string: its first comma-separated synonym, without dataset suffixes
    (``-merged``, ``-other``, ``-stuff``) and with underscores as spaces (``'earless_seal'`` ->
    ``'earless seal'``, ``'person,child'`` -> ``'person'``). A name that is only a suffix stays as it is."""
    name = class_name.split(',')[0].strip()
    stripped = True
    while stripped:
        stripped = False
        for suffix in DATASET_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                name, stripped = name[:-len(suffix)], True
    return re.sub(r'\s+', ' ', name.replace('_', ' ')).strip() or class_name.strip()
