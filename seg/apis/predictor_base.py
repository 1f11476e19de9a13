"""What image and video predictors share: loading, saving, the class vocabulary, input preparation."""
from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

import torch
from mmengine.config import Config
from torch import Tensor, nn

from seg.utils.atomic import atomic_write_bytes, atomic_write_text

from .loading import (
    CHECKPOINT_FILES,
    CONFIG_FILE,
    EMBEDDINGS_SUBDIR,
    build_model,
    find_checkpoint,
    load_config,
    pretrained_config,
    resolve_pretrained,
)
from .pipeline import ImageLike, build_image_pipeline, to_bgr_array
from .vocabulary import (
    Vocabulary,
    config_vocabulary,
    encode_vocabulary,
    install_vocabulary,
    load_bank_vocabulary,
    seen_mask,
    vocabulary_cache_dir,
)


class PredictorBase:
    """A model in eval mode with its config, test transforms and current class vocabulary.

    Args:
        model: an OMG-Seg detector (``OMGSeg`` or a subclass), already on its device.
        cfg: the config it was built from (test transforms, vocabulary, embeddings cache).
        cache_dir: where text banks of :meth:`set_classes` vocabularies are cached (default:
            ``cfg.embeddings_cache_dir`` or ``data/embeddings/cache``; None in the config disables nothing).
    """

    def __init__(self, model: nn.Module, cfg: Config, *, cache_dir: str | os.PathLike | None = None) -> None:
        self.model = model.eval()
        self.cfg = cfg
        self.pipeline = build_image_pipeline(cfg)
        self.cache_dir = cache_dir if cache_dir is not None else vocabulary_cache_dir(cfg)
        self.trained_vocabulary = config_vocabulary(cfg, model)
        self.vocabulary = self.trained_vocabulary
        self._trained_bank = model.panoptic_head.classifier.bank[:-1].detach().clone()
        self._trained_seen = model.seen_classes

    # ------------------------------------------------------------------ construction
    @classmethod
    def adapt_config(cls, cfg: Config, **kwargs) -> Config:
        """Hook for subclasses to adjust the model config before building (default: unchanged)."""
        if kwargs:
            raise TypeError(f'{cls.__name__} got unexpected arguments {sorted(kwargs)}')
        return cfg

    @classmethod
    def from_config(cls, config: str | os.PathLike | Config, checkpoint: str | os.PathLike | None = None,
                    device: str | torch.device | None = None, *, cfg_options: dict | None = None,
                    cache_dir: str | os.PathLike | None = None, strict: bool = True, **kwargs):
        """Predictor of the model in ``config`` with ``checkpoint`` on ``device`` (default: the GPU when there
        is one, else the CPU). The checkpoint loads strictly unless ``strict=False`` (see ``build_model``)."""
        cfg = cls.adapt_config(load_config(config, cfg_options), **kwargs)
        return cls(build_model(cfg, checkpoint, device, strict=strict), cfg, cache_dir=cache_dir)

    @classmethod
    def from_pretrained(cls, dir_or_repo: str | os.PathLike, device: str | torch.device | None = None, *,
                        revision: str | None = None, cfg_options: dict | None = None,
                        cache_dir: str | os.PathLike | None = None, strict: bool = True, **kwargs):
        """Predictor from a folder (or Hugging Face Hub repo) holding ``config.py``, ``model.pth`` and
        optionally ``embeddings/`` (text banks), as :meth:`save_pretrained` writes it."""
        folder = resolve_pretrained(dir_or_repo, revision)
        cfg = cls.adapt_config(pretrained_config(folder, cfg_options), **kwargs)
        return cls(build_model(cfg, find_checkpoint(folder), device, strict=strict), cfg, cache_dir=cache_dir)

    def save_pretrained(self, folder: str | os.PathLike) -> Path:
        """Write ``config.py``, ``model.pth`` (state dict) and ``embeddings/<bank>.pth`` of the configured
        vocabulary to ``folder``, loadable with :meth:`from_pretrained` offline."""
        from seg.models.text_embeddings import bank_path, save_text_bank
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(folder / CONFIG_FILE, self.cfg.pretty_text)
        buffer = io.BytesIO()
        torch.save({k: v.detach().cpu() for k, v in self.model.state_dict().items()}, buffer)
        atomic_write_bytes(folder / CHECKPOINT_FILES[0], buffer.getvalue())
        bank_name = self.cfg.model.panoptic_head.classifier.get('bank_name')
        if bank_name:
            save_text_bank(self._trained_bank.cpu(), bank_path(folder / EMBEDDINGS_SUBDIR, bank_name),
                           metadata=dict(class_names=list(self.trained_vocabulary.classes)))
        return folder

    # ------------------------------------------------------------------ vocabulary
    @property
    def device(self) -> torch.device:
        """Device of the model."""
        return next(self.model.parameters()).device

    @property
    def class_names(self) -> list[str]:
        """Display names of the current vocabulary (label i -> ``class_names[i]``)."""
        return self.vocabulary.names

    def set_classes(self, thing_classes: Sequence[str], stuff_classes: Sequence[str] = ()) -> Vocabulary:
        """Classify into any class names from now on (open vocabulary): ``thing_classes`` are countable
        objects (instances), ``stuff_classes`` amorphous regions. A name may list synonyms separated by
        commas. The text embeddings come from the model's CLIP text tower, cached in ``cache_dir``."""
        vocabulary = Vocabulary.from_names(list(thing_classes), list(stuff_classes))
        bank = encode_vocabulary(self.model, vocabulary, self.cache_dir)
        seen = seen_mask(vocabulary, self.trained_vocabulary) if self._trained_seen is not None else None
        self._install(vocabulary, bank, seen)
        return vocabulary

    def set_bank(self, path: str | os.PathLike, num_things: int | None = None) -> Vocabulary:
        """Classify into the vocabulary of a bank file from ``tools/gen_cls.py`` (offline vocabulary; its
        class names are read from the bank's sidecar, the first ``num_things`` are things)."""
        vocabulary, bank = load_bank_vocabulary(path, num_things)
        seen = seen_mask(vocabulary, self.trained_vocabulary) if self._trained_seen is not None else None
        self._install(vocabulary, bank, seen)
        return vocabulary

    def reset_classes(self) -> None:
        """Go back to the vocabulary of the config."""
        self._install(self.trained_vocabulary, self._trained_bank, self._trained_seen)

    def _install(self, vocabulary: Vocabulary, bank: Tensor, seen: Tensor | None) -> None:
        install_vocabulary(self.model, vocabulary, bank, seen)
        self.vocabulary = vocabulary
        self.on_vocabulary_change()

    def on_vocabulary_change(self) -> None:
        """Hook: drop whatever depends on the class vocabulary (default: nothing)."""

    # ------------------------------------------------------------------ inputs
    def prepare(self, image: ImageLike, image_format: str = 'RGB') -> tuple[Tensor, object]:
        """Normalised padded batch (1, 3, Hp, Wp) on the model device and its ``DetDataSample``."""
        data = self.pipeline(dict(img=to_bgr_array(image, image_format)))
        batch = dict(inputs=[data['inputs']], data_samples=[data['data_samples']])
        batch = self.model.data_preprocessor(batch, False)
        return batch['inputs'], batch['data_samples'][0]
