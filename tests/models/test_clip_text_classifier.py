"""CLIPTextClassifier: synonym max, background logit, scale, bank validation and loading."""
import math

import pytest
import torch
import torch.nn.functional as F

from seg.models.classifiers import CLIPTextClassifier
from seg.models.text_embeddings import save_text_bank


def _classifier(bank):
    classifier = CLIPTextClassifier(num_classes=bank.shape[0], embed_dims=bank.shape[2],
                                    placeholder_bank=True)
    classifier.set_bank(bank)
    return classifier


def test_logit_is_scaled_max_cosine_over_synonyms_and_background_is_zero():
    e = torch.eye(3)
    # class 0: synonyms x and y; class 1: z (padded by repeating its first synonym)
    bank = torch.stack([torch.stack([e[0], e[1]]), torch.stack([e[2], e[2]])])
    classifier = _classifier(bank)
    query = torch.tensor([[0.0, 2.0, 0.0], [1.0, 0.0, 1.0]])  # unnormalised on purpose
    logits = classifier(query)
    scale = math.exp(4.6052)  # ~100
    expected = scale * torch.tensor([[1.0, 0.0, 0.0], [2 ** -0.5, 2 ** -0.5, 0.0]])
    assert logits.shape == (2, 3)
    assert torch.allclose(logits, expected, atol=1e-3)


def test_bank_must_match_vocabulary_and_be_unit_norm():
    classifier = CLIPTextClassifier(num_classes=2, embed_dims=4, placeholder_bank=True)
    with pytest.raises(ValueError, match=r'\(3, 1, 4\).*expected \(2, K, 4\)'):
        classifier.set_bank(F.normalize(torch.randn(3, 1, 4), dim=-1))
    with pytest.raises(ValueError, match='unit-norm'):
        classifier.set_bank(torch.full((2, 1, 4), 2.0))


def test_missing_bank_name_is_rejected():
    with pytest.raises(ValueError, match='bank_name'):
        CLIPTextClassifier(num_classes=2, embed_dims=4)


def test_bank_is_loaded_from_embeddings_dir(tmp_path):
    bank = F.normalize(torch.randn(2, 3, 4), dim=-1)
    save_text_bank(bank, tmp_path / 'tiny_Toy.pth')
    classifier = CLIPTextClassifier(num_classes=2, embed_dims=4, bank_name='tiny_Toy',
                                    embeddings_dir=str(tmp_path))
    assert torch.allclose(classifier.bank[:2], bank)
    assert classifier.bank[2].abs().sum() == 0
    assert 'bank' not in classifier.state_dict()  # vocabulary is data, not weights


def test_missing_bank_file_names_the_path_and_the_command(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'(?s)tiny_Missing\.pth.*gen_cls\.py'):
        CLIPTextClassifier(num_classes=2, embed_dims=4, bank_name='tiny_Missing',
                           embeddings_dir=str(tmp_path))
