"""Tiny open_clip text tower (ext/open_clip/omgseg_tiny_convnext.json) for text-bank tests."""
from pathlib import Path

import pytest
import torch

TINY_CLIP = 'omgseg_tiny_convnext'
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope='session')
def tiny_encode_text():
    """``encode_text(texts) -> (n, 64)`` of a randomly initialised tiny CLIP (seeded)."""
    import open_clip
    open_clip.add_model_config(str(REPO / 'ext' / 'open_clip' / f'{TINY_CLIP}.json'))
    torch.manual_seed(0)
    model = open_clip.create_model(TINY_CLIP, pretrained=None).eval()
    tokenizer = open_clip.get_tokenizer(TINY_CLIP)

    def encode_text(texts):
        return model.encode_text(tokenizer(texts))
    return encode_text
