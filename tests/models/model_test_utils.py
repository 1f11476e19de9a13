"""Shared builders for model tests: toy config, synthetic batches."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample
from mmdet.structures.mask import BitmapMasks
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData, PixelData

REPO_ROOT = Path(__file__).resolve().parents[2]
TOY_MODEL_CONFIG = REPO_ROOT / 'seg' / 'configs' / '_base_' / 'models' / 'omg_toy.py'
NO_OBJ = 65535


def toy_model_cfg(**classifier_overrides) -> Config:
    """The toy model config with a placeholder text bank (no file needed)."""
    cfg = Config.fromfile(str(TOY_MODEL_CONFIG))
    cfg.model.panoptic_head.classifier.update(bank_name=None, placeholder_bank=True, **classifier_overrides)
    return cfg


def build_toy_model(seed: int = 0):
    """Build the toy OMG-Seg detector on the CPU with a fixed seed."""
    import seg  # noqa: F401  (registers the modules)
    init_default_scope('mmdet')
    torch.manual_seed(seed)
    model = MODELS.build(toy_model_cfg().model)
    model.init_weights()
    return model


def synthetic_sample(height: int = 128, width: int = 128, seed: int = 0, num_things: int = 8,
                     num_stuff: int = 4) -> tuple[torch.Tensor, DetDataSample]:
    """A BGR uint8 image with two thing rectangles over two stuff halves, plus its DetDataSample."""
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 255, size=(3, height, width), dtype=np.uint8)
    masks = np.zeros((2, height, width), dtype=np.uint8)
    masks[0, 10:50, 10:60] = 1
    masks[1, 70:120, 60:110] = 1
    image[:, masks[0] > 0] = 220
    image[:, masks[1] > 0] = 30
    sem = np.full((height, width), NO_OBJ, dtype=np.int64)
    sem[: height // 2] = num_things  # first stuff class
    sem[height // 2:] = num_things + 1
    sem[masks[0] > 0] = 1
    sem[masks[1] > 0] = 3
    sample = DetDataSample(metainfo=dict(
        img_shape=(height, width), ori_shape=(height, width), pad_shape=(height, width),
        batch_input_shape=(height, width), scale_factor=(1.0, 1.0), img_id=seed, img_path=f'{seed}.jpg'))
    sample.gt_instances = InstanceData(
        labels=torch.tensor([1, 3]), masks=BitmapMasks(masks, height, width),
        bboxes=torch.tensor([[10., 10., 60., 50.], [60., 70., 110., 120.]]))
    sample.gt_sem_seg = PixelData(sem_seg=torch.from_numpy(sem)[None])
    return torch.from_numpy(image), sample


def synthetic_batch(batch_size: int = 2, size: int = 128) -> dict:
    """Data dict as the dataloader delivers it (before the data preprocessor)."""
    pairs = [synthetic_sample(size, size, seed=i) for i in range(batch_size)]
    return dict(inputs=[p[0] for p in pairs], data_samples=[p[1] for p in pairs])


def record_decodes(monkeypatch, head) -> list[tuple[bool, int]]:
    """Wrap ``head.decode``: each call appends (under inference_mode?, number of prediction sets)."""
    seen: list[tuple[bool, int]] = []
    decode = head.decode

    def record(*args, **kwargs):
        outputs = decode(*args, **kwargs)
        seen.append((torch.is_inference_mode_enabled(), len(outputs.mask_logits)))
        return outputs

    monkeypatch.setattr(head, 'decode', record)
    return seen
