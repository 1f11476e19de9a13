"""Class-name normalisation shared by the vocabulary merge and the text-embedding generator.

Defined next to the class lists in :mod:`seg.datasets.class_names` (the datasets must not import the
models package); re-exported here as part of the text-embedding API.
"""
from seg.datasets.class_names import normalize_class_name, split_synonyms

__all__ = ['normalize_class_name', 'split_synonyms']
