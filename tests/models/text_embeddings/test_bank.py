import os

import pytest
import torch
import torch.nn.functional as F

from seg.models.text_embeddings import (
    bank_path,
    build_text_bank,
    cached_text_bank,
    encode_in_batches,
    load_text_bank,
    save_text_bank,
)


def fake_encoder(dim=8):
    """Deterministic encoder: a hash-seeded random vector per text; records batch sizes."""
    calls = []

    def encode_text(texts):
        calls.append(len(texts))
        out = []
        for t in texts:
            g = torch.Generator().manual_seed(sum(map(ord, t)) * 31 + len(t))
            out.append(torch.randn(dim, generator=g) * 3)
        return torch.stack(out)
    encode_text.calls = calls
    return encode_text


def test_build_bank_values_match_hand_computation():
    enc = fake_encoder()
    templates = ('a {}.', 'the {}')
    bank = build_text_bank(['cat_or_kitty', 'dog'], enc, templates)
    assert bank.shape == (2, 2, 8) and bank.dtype == torch.float32

    def synonym(s):
        feats = F.normalize(enc([t.format(s) for t in templates]), dim=-1)
        return F.normalize(feats.mean(0), dim=-1)
    torch.testing.assert_close(bank[0, 0], synonym('cat'))
    torch.testing.assert_close(bank[0, 1], synonym('kitty'))
    torch.testing.assert_close(bank[1, 0], synonym('dog'))
    torch.testing.assert_close(bank[1, 1], synonym('dog'))  # padded with the first synonym
    torch.testing.assert_close(bank.norm(dim=-1), torch.ones(2, 2))


def test_batching_never_calls_encoder_on_empty_batch():
    enc = fake_encoder()
    out = encode_in_batches([f't{i}' for i in range(10)], enc, batch_size=4)
    assert out.shape == (10, 8)
    assert enc.calls == [4, 4, 2]
    enc2 = fake_encoder()
    build_text_bank(['a'], enc2, ('{}',), batch_size=256)
    assert enc2.calls == [1]


def test_bank_with_tiny_clip(tiny_encode_text):
    bank = build_text_bank(['person,child', 'car'], tiny_encode_text)
    assert bank.shape == (2, 2, 64)
    torch.testing.assert_close(bank.norm(dim=-1), torch.ones(2, 2))
    assert not torch.allclose(bank[0, 0], bank[1, 0])


def test_save_load_roundtrip_atomic(tmp_path):
    bank = F.normalize(torch.randn(3, 2, 5), dim=-1)
    path = bank_path(tmp_path / 'emb', 'tiny_Toy')
    assert path.name == 'tiny_Toy.pth'
    save_text_bank(bank, path, metadata=dict(class_names=['a', 'b', 'c']))
    assert sorted(os.listdir(path.parent)) == ['tiny_Toy.json', 'tiny_Toy.pth']  # no temp files left
    torch.testing.assert_close(load_text_bank(path, num_classes=3), bank)
    with pytest.raises(ValueError, match='has 3 classes but the model is configured with 4'):
        load_text_bank(path, num_classes=4)


def test_missing_bank_names_gen_cls_command(tmp_path):
    path = tmp_path / 'x_Y.pth'
    with pytest.raises(FileNotFoundError) as info:
        load_text_bank(path, config='configs/my.py')
    assert str(path) in str(info.value)
    assert f'python tools/gen_cls.py configs/my.py --out-dir {tmp_path}' in str(info.value)


def test_non_unit_bank_rejected(tmp_path):
    path = tmp_path / 'bad.pth'
    torch.save(torch.ones(2, 1, 4), path)
    with pytest.raises(ValueError, match='unit norm'):
        load_text_bank(path)
    with pytest.raises(ValueError, match='unit norm'):
        save_text_bank(torch.ones(2, 1, 4), tmp_path / 'bad2.pth')


def test_cached_text_bank_reuses_file(tmp_path):
    enc = fake_encoder()
    first = cached_text_bank(['a', 'b'], enc, tmp_path, 'fake')
    n_calls = len(enc.calls)
    files = list(tmp_path.glob('fake_vocab_*.pth'))
    assert len(files) == 1
    second = cached_text_bank(['a', 'b'], enc, tmp_path, 'fake')
    assert len(enc.calls) == n_calls  # served from the cache
    torch.testing.assert_close(first, second)
    cached_text_bank(['b', 'a'], enc, tmp_path, 'fake')
    assert len(list(tmp_path.glob('fake_vocab_*.pth'))) == 2  # other vocabulary, other file
    no_cache = cached_text_bank(['a', 'b'], enc, None, 'fake')
    torch.testing.assert_close(no_cache, first)
