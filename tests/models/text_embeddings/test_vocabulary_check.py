"""Bank sidecars: the recorded class names are compared with the configured vocabulary; the first difference
is named."""
import json

import pytest

from seg.models.text_embeddings import BankVocabularyError, check_bank_vocabulary, first_mismatch


def test_first_mismatch_names_index_and_both_names():
    assert first_mismatch(['cat', 'dog'], ['cat', 'dog']) is None
    assert first_mismatch(['cat', 'dog'], ['dog', 'cat']) == (
        "class 0 is 'cat' in the bank but 'dog' in the configuration")
    assert first_mismatch(['cat'], ['cat', 'sky']) == (
        "1 classes in the bank, 2 in the configuration; class 1 ('sky') is only in the configuration")
    assert first_mismatch(['cat', 'sky', 'car'], ['cat']) == (
        "3 classes in the bank, 1 in the configuration; class 1 ('sky') is only in the bank")


def test_check_bank_vocabulary_reads_the_sidecar(tmp_path):
    bank = tmp_path / 'm_MyVocab.pth'
    check_bank_vocabulary(bank, ['anything'], 'x')  # no sidecar: nothing recorded, nothing checked
    bank.with_suffix('.json').write_text(json.dumps({'class_names': ['cat', 'dog']}))
    check_bank_vocabulary(bank, ['cat', 'dog'], 'x')
    with pytest.raises(BankVocabularyError) as err:
        check_bank_vocabulary(bank, ['cat', 'puppy'], 'the test dataset (Toy)')
    assert str(err.value).startswith(
        f"text bank {bank} does not encode the vocabulary of the test dataset (Toy): class 1 is 'dog' in the "
        "bank but 'puppy' in the configuration.")
    bank.with_suffix('.json').write_text('{not json')
    with pytest.raises(BankVocabularyError, match='m_MyVocab.json: unreadable bank sidecar'):
        check_bank_vocabulary(bank, ['cat'], 'x')
