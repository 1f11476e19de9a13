"""CLIP text-embedding banks: synonym handling, build/save/load, runtime cache."""
from .bank import (
    bank_path,
    build_text_bank,
    check_text_bank,
    encode_in_batches,
    load_text_bank,
    pack_synonyms,
    save_text_bank,
)
from .cache import cached_text_bank, vocabulary_hash
from .synonyms import normalize_class_name, split_synonyms
from .templates import VILD_TEMPLATES, load_templates
from .vocabulary_check import BankVocabularyError, bank_metadata, check_bank_vocabulary, first_mismatch

__all__ = [
    'BankVocabularyError', 'VILD_TEMPLATES', 'bank_metadata', 'bank_path', 'check_bank_vocabulary',
    'first_mismatch', 'build_text_bank', 'cached_text_bank', 'check_text_bank',
    'encode_in_batches', 'load_templates', 'load_text_bank', 'normalize_class_name', 'pack_synonyms',
    'save_text_bank', 'split_synonyms', 'vocabulary_hash'
]
