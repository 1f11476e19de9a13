"""Cosine classifier over a bank of CLIP text embeddings with a constant-zero background logit."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from mmdet.registry import MODELS
from torch import Tensor, nn

DEFAULT_LOGIT_SCALE = 4.6052  # log(100): logits are 100 x cosine similarity
UNIT_NORM_ATOL = 1e-3


@MODELS.register_module()
class CLIPTextClassifier(nn.Module):
    """Scores embeddings (..., D) against class text embeddings -> logits (..., N_cls + 1).

    The bank (N_cls, K, D) holds K synonym embeddings per class (unit norm). A class's logit is
    ``exp(logit_scale) * max_k cos(e, bank[c, k])``; the last column is the background, whose
    embedding is all-zero, so its logit is always 0. The bank is a non-persistent buffer: it is data
    (the vocabulary), not weights, and can be swapped with :meth:`set_bank`.

    Args:
        num_classes: N_cls, number of classes of the vocabulary (things + stuff).
        embed_dims: D, CLIP embedding width.
        bank_name: ``{clip_model_name}_{dataset_name}``; the bank is read from
            ``{embeddings_dir}/{bank_name}.pth`` (built by ``tools/gen_cls.py``).
        embeddings_dir: directory of the bank files.
        logit_scale: log of the fixed logit multiplier (not learned).
        placeholder_bank: with ``bank_name=None``, use a fixed random bank (N_cls, 1, D) instead of
            failing; only for structure-only uses (parameter counting, unit tests).
    """

    def __init__(self, *, num_classes: int, embed_dims: int, bank_name: str | None = None,
                 embeddings_dir: str = 'data/embeddings', logit_scale: float = DEFAULT_LOGIT_SCALE,
                 placeholder_bank: bool = False) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.embed_dims = embed_dims
        self.register_buffer('logit_scale', torch.tensor(float(logit_scale)), persistent=False)
        self.register_buffer('bank', torch.zeros(num_classes + 1, 1, embed_dims), persistent=False)
        if bank_name is not None:
            self.set_bank(self._load_bank(embeddings_dir, bank_name), source=f'{bank_name!r}')
        elif placeholder_bank:
            self.set_bank(self._placeholder_bank(), source='placeholder')
        else:
            raise ValueError('CLIPTextClassifier needs `bank_name` (the text-embedding file name, see '
                             'tools/gen_cls.py) or placeholder_bank=True for structure-only use.')

    def _load_bank(self, embeddings_dir: str, bank_name: str) -> Tensor:
        """Read ``{embeddings_dir}/{bank_name}.pth`` through the text-embeddings API."""
        from seg.models.text_embeddings import bank_path, load_text_bank  # data-area module, lazy
        return load_text_bank(bank_path(embeddings_dir, bank_name), num_classes=self.num_classes)

    def _placeholder_bank(self) -> Tensor:
        """Deterministic random unit-norm bank (N_cls, 1, D)."""
        generator = torch.Generator().manual_seed(0)
        bank = torch.randn(self.num_classes, 1, self.embed_dims, generator=generator, device='cpu')
        return F.normalize(bank, dim=-1)

    def set_bank(self, bank: Tensor, source: str = 'given tensor') -> None:
        """Install a (N_cls, K, D) unit-norm bank and append the all-zero background entry."""
        if bank.dim() != 3 or bank.shape[0] != self.num_classes or bank.shape[2] != self.embed_dims:
            raise ValueError(
                f'Text-embedding bank {source} has shape {tuple(bank.shape)}, expected '
                f'({self.num_classes}, K, {self.embed_dims}) = (num_things + num_stuff classes, '
                f'synonyms, CLIP embed dim). Does the bank match the configured vocabulary and CLIP model?')
        norms = bank.float().norm(dim=-1)
        if not torch.allclose(norms, torch.ones_like(norms), atol=UNIT_NORM_ATOL):
            raise ValueError(f'Text-embedding bank {source} is not unit-norm '
                             f'(norms in [{norms.min():.4f}, {norms.max():.4f}]).')
        background = bank.new_zeros(1, bank.shape[1], bank.shape[2])
        self.bank = torch.cat([bank, background], dim=0).to(self.bank.device, torch.float32)

    def forward(self, embeddings: Tensor) -> Tensor:
        """Logits (..., N_cls + 1) of embeddings (..., D); background logit = 0."""
        embeddings = F.normalize(embeddings, dim=-1)
        similarity = torch.einsum('...d,nkd->...nk', embeddings, self.bank.to(embeddings.dtype))
        return similarity.max(dim=-1).values * self.logit_scale.exp()
