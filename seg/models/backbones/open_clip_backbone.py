"""Frozen OpenCLIP ConvNeXt visual tower returning 4 stage features, plus CLIP text encoding."""
from __future__ import annotations

from collections.abc import Sequence

import open_clip
import torch
from mmdet.registry import MODELS
from mmdet.utils import OptMultiConfig
from mmengine.model import BaseModule
from torch import Tensor, nn

from .open_clip_loading import create_clip_model, embed_dim_of

NUM_STAGES = 4


class _TextTower:
    """Holds the CLIP text tower outside the module tree (not in state_dict, not moved by ``.to``)."""

    def __init__(self, clip: nn.Module, model_name: str) -> None:
        clip.visual = nn.Identity()  # the visual tower lives in the backbone wrapper
        self.clip = clip.eval().requires_grad_(False)
        self.tokenizer = open_clip.get_tokenizer(model_name)

    @torch.no_grad()
    def encode(self, texts: list[str], device: torch.device) -> Tensor:
        """Projected end-of-text features (n, D), float32, not normalised."""
        self.clip.to(device)
        tokens = self.tokenizer(texts).to(device)
        return self.clip.encode_text(tokens, normalize=False).float()


@MODELS.register_module()
class OpenCLIPBackbone(BaseModule):
    """OpenCLIP ConvNeXt visual tower as a backbone with the reference's module names.

    Args:
        model_name: open_clip model name, e.g. ``convnext_large_d_320``; names unknown to open_clip are
            looked up in ``ext/open_clip/<name>.json``.
        pretrained: open_clip pretrained tag or local checkpoint path; None = random init, no download.
        cache_dir: download/cache directory for open_clip weights (None: the Hugging Face default).
        fix: freeze every parameter and keep the whole tower in eval mode.
        fix_layers: when ``fix`` is False, stage indices (0..3) to freeze; stage 0 also freezes the stem.
        keep_text_tower: keep the text tower for :meth:`encode_text` (otherwise it is rebuilt lazily
            from ``pretrained`` on first use).

    Forward: images (N, 3, H, W) normalised RGB -> 4 maps (N, C_i, H/s_i, W/s_i), C_i = ``out_channels``.
    """

    def __init__(self, *, model_name: str, pretrained: str | None = None, cache_dir: str | None = None,
                 fix: bool = True, fix_layers: Sequence[int] = (), keep_text_tower: bool = False,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.model_name = model_name
        self.pretrained = pretrained
        self.cache_dir = cache_dir
        self.fix = fix
        self.fix_layers = tuple(fix_layers)
        self.embed_dim = embed_dim_of(model_name)

        clip = create_clip_model(model_name, pretrained, cache_dir)
        trunk = clip.visual.trunk
        self.stem = trunk.stem
        for i in range(NUM_STAGES):
            self.add_module(f'layer{i + 1}', trunk.stages[i])
        self.norm_pre = trunk.norm_pre
        self.head = nn.Sequential(trunk.head, clip.visual.head)
        self.out_channels = [int(info['num_chs']) for info in trunk.feature_info]
        self.strides = [int(info['reduction']) for info in trunk.feature_info]
        self._text_tower = _TextTower(clip, model_name) if keep_text_tower else None
        self._freeze()

    @property
    def device(self) -> torch.device:
        """Device of the backbone weights."""
        return self.stem[0].weight.device

    def _frozen_modules(self) -> list[nn.Module]:
        """Modules whose parameters never train under the current ``fix``/``fix_layers`` setting."""
        if self.fix:
            return [self]
        frozen: list[nn.Module] = [self.norm_pre, self.head]
        for i in self.fix_layers:
            frozen.append(getattr(self, f'layer{i + 1}'))
            if i == 0:
                frozen.append(self.stem)
        return frozen

    def _freeze(self) -> None:
        """Switch off gradients of the frozen modules and put them in eval mode."""
        for module in self._frozen_modules():
            module.requires_grad_(False)
            nn.Module.train(module, False)

    def train(self, mode: bool = True) -> 'OpenCLIPBackbone':
        """Set train/eval mode; frozen parts always stay in eval mode (drop-path inactive)."""
        super().train(mode)
        for module in self._frozen_modules():
            nn.Module.train(module, False)
        return self

    def init_weights(self) -> None:
        """Weights come from open_clip at construction; only an explicit ``init_cfg`` overrides them."""
        if self.init_cfg is not None:
            super().init_weights()

    def forward(self, x: Tensor) -> tuple[Tensor, ...]:
        """Return the outputs of the 4 stages (strides ``self.strides``)."""
        with torch.set_grad_enabled(torch.is_grad_enabled() and not self.fix):
            x = self.stem(x)
            outs = []
            for i in range(NUM_STAGES):
                x = getattr(self, f'layer{i + 1}')(x)
                outs.append(x)
        return tuple(outs)

    def get_clip_feature(self, last_feature: Tensor) -> Tensor:
        """CLIP dense map (N, C_4, h, w) from the stride-32 stage output, for mask pooling."""
        return self.norm_pre(last_feature)

    def forward_feat(self, pooled: Tensor) -> Tensor:
        """CLIP image embeddings (B, Q, D) of mask-pooled features (B, Q, C_4), not normalised."""
        batch, num_queries, channels = pooled.shape
        embeds = self.head(pooled.reshape(batch * num_queries, channels, 1, 1))
        return embeds.reshape(batch, num_queries, -1)

    def _get_text_tower(self) -> _TextTower:
        """The text tower, rebuilt from the pretrained CLIP weights on first use if not kept."""
        if self._text_tower is None:
            if self.pretrained is None:
                raise ValueError(
                    f'OpenCLIPBackbone({self.model_name!r}).encode_text needs CLIP text weights, but the '
                    f'backbone was built with pretrained=None and keep_text_tower=False. Set `pretrained` '
                    f'to an open_clip tag or checkpoint file, or keep_text_tower=True.')
            clip = create_clip_model(self.model_name, self.pretrained, self.cache_dir)
            self._text_tower = _TextTower(clip, self.model_name)
        return self._text_tower

    def encode_text(self, texts: list[str]) -> Tensor:
        """CLIP text embeddings (n, D) of ``texts`` (projected EOT feature, not normalised)."""
        return self._get_text_tower().encode(list(texts), self.device)
