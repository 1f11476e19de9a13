"""tools/gen_cls.py with a tiny open_clip text tower (ext/open_clip/omgseg_tiny_convnext.json)."""
import importlib.util
import json
from pathlib import Path

import pytest
import torch
from mmdet.registry import DATASETS, MODELS
from mmengine.dataset import BaseDataset

from seg.models.text_embeddings import VILD_TEMPLATES, build_text_bank, load_text_bank

REPO = Path(__file__).resolve().parents[2]
TINY = 'omgseg_tiny_convnext'


def load_tool():
    spec = importlib.util.spec_from_file_location('gen_cls_tool', REPO / 'tools' / 'gen_cls.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen_cls = load_tool()


@MODELS.register_module(name='TinyClipTextForGenClsTest', force=True)
class TinyClipText(torch.nn.Module):
    """Stand-in for the CLIP backbone wrapper: exposes ``encode_text`` per the contract."""

    def __init__(self, model_name: str):
        super().__init__()
        import open_clip
        open_clip.add_model_config(str(REPO / 'ext' / 'open_clip' / f'{model_name}.json'))
        torch.manual_seed(0)
        self.model_name = model_name
        self.clip = open_clip.create_model(model_name, pretrained=None)
        self.tokenizer = open_clip.get_tokenizer(model_name)

    def encode_text(self, texts):
        device = next(self.clip.parameters()).device
        return self.clip.encode_text(self.tokenizer(texts).to(device))


@DATASETS.register_module(name='VocabOnlyDatasetForGenClsTest', force=True)
class VocabOnlyDataset(BaseDataset):
    """Dataset that can only be built lazily (full init would fail): gen_cls must not load data."""

    METAINFO = dict(classes=('cat_or_kitty', 'dog'))
    dataset_name = 'VocabOnly'

    def load_data_list(self):
        raise AssertionError('gen_cls must build the dataset with lazy_init=True')


def write_config(tmp_path, body):
    path = tmp_path / 'cfg.py'
    path.write_text("default_scope = 'mmdet'\n"
                    f"model = dict(backbone=dict(type='TinyClipTextForGenClsTest', model_name='{TINY}'))\n"
                    + body)
    return str(path)


def test_gen_cls_from_config_classes(tmp_path):
    cfg = write_config(tmp_path, "CLASSES = ['person,child', 'car_or_auto']\nDATASET_NAME = 'ToyOV'\n")
    out = gen_cls.main([cfg, '--out-dir', str(tmp_path / 'emb'), '--batch-size', '7'])
    assert out == tmp_path / 'emb' / f'{TINY}_ToyOV.pth'
    bank = load_text_bank(out, num_classes=2)
    assert bank.shape == (2, 2, 64)
    expected = build_text_bank(['person,child', 'car_or_auto'], TinyClipText(TINY).encode_text)
    torch.testing.assert_close(bank, expected, atol=1e-5, rtol=1e-5)
    meta = json.loads(out.with_suffix('.json').read_text())
    assert meta['class_names'] == ['person,child', 'car_or_auto']
    assert meta['templates'] == list(VILD_TEMPLATES)
    assert [p.name for p in (tmp_path / 'emb').iterdir() if p.name.endswith('.tmp')] == []


def test_gen_cls_from_lazy_train_dataset(tmp_path):
    cfg = write_config(tmp_path, "train_dataloader = dict(dataset=dict(type='RepeatDataset', times=3, "
                                 "dataset=dict(type='VocabOnlyDatasetForGenClsTest')))\n"
                                 f"embeddings_dir = '{tmp_path / 'cfg_emb'}'\n")
    out = gen_cls.main([cfg])
    assert out == tmp_path / 'cfg_emb' / f'{TINY}_VocabOnly.pth'
    assert load_text_bank(out).shape == (2, 2, 64)


def test_gen_cls_user_class_list(tmp_path):
    cfg = write_config(tmp_path, "CLASSES = ['x']\nDATASET_NAME = 'X'\n")
    names = tmp_path / 'my_vocab.txt'
    names.write_text('zebra\nhorse,pony\n\n')
    out = gen_cls.main([cfg, '--classes', str(names), '--out-dir', str(tmp_path)])
    assert out.name == f'{TINY}_my_vocab.pth'
    assert load_text_bank(out).shape == (2, 2, 64)
    out = gen_cls.main([cfg, '--classes', 'cityscapes_panoptic', '--out-dir', str(tmp_path)])
    assert load_text_bank(out).shape == (19, 1, 64)
    out = gen_cls.main([cfg, '--classes', 'coco_panoptic_ov:things', '--name', 'CocoOVDataset',
                        '--out-dir', str(tmp_path)])
    assert out.name == f'{TINY}_CocoOVDataset.pth' and load_text_bank(out).shape == (80, 17, 64)


def test_gen_cls_needs_dataset_name(tmp_path):
    cfg = write_config(tmp_path, "CLASSES = ['x']\n")
    with pytest.raises(KeyError, match='DATASET_NAME'):
        gen_cls.main([cfg, '--out-dir', str(tmp_path)])


def test_gen_cls_on_merged_cotraining_vocabulary(tmp_path):
    """The real co-training config: merged 139+101 vocabulary, no annotation file is read."""
    base = (REPO / 'seg' / 'configs' / '_base_' / 'datasets'
            / 'coco_panoptic_video_yt19_yt21_vip_cityscapes_cocopansam.py')
    cfg = tmp_path / 'cotrain.py'
    cfg.write_text(f"_base_ = ['{base}']\ndefault_scope = 'mmdet'\n"
                   f"model = dict(backbone=dict(type='TinyClipTextForGenClsTest', model_name='{TINY}'))\n")
    out = gen_cls.main([str(cfg), '--out-dir', str(tmp_path)])
    assert out.name == (f'{TINY}_Concat_CocoPanopticOVDataset_YouTubeVISDataset_2019_YouTubeVISDataset_2021_'
                        'VIPSegDataset_CityscapesPanopticDataset.pth')
    assert load_text_bank(out).shape == (240, 17, 64)
    assert json.loads(out.with_suffix('.json').read_text())['class_names'][139] == 'banner,banners'


def test_gen_cls_with_the_real_backbone_of_the_toy_config(tmp_path):
    """The project's own CLIP backbone (built by MODELS from the toy model config) encodes the prompts."""
    config = REPO / 'seg' / 'configs' / 'toy' / 'omg_toy_coco_panoptic.py'
    if not config.is_file():
        pytest.skip('toy model config not present')
    out = gen_cls.main([str(config), '--classes', 'cityscapes_panoptic', '--out-dir', str(tmp_path)])
    assert out.name == f'{TINY}_cityscapes_panoptic.pth'
    bank = load_text_bank(out, num_classes=19)
    assert bank.shape == (19, 1, 64)


def test_random_toy_text_tower_gives_the_same_bank_every_run(tmp_path):
    """The toy CLIP has random weights: gen_cls seeds it so train and later evaluations share one bank."""
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    config = repo / 'seg' / 'configs' / 'toy' / 'omg_toy_coco_panoptic.py'
    banks = []
    for run in ('a', 'b'):
        out = tmp_path / run
        subprocess.run([sys.executable, str(repo / 'tools' / 'gen_cls.py'), str(config), '--classes',
                        'youtube_vis_2019', '--out-dir', str(out)], check=True, capture_output=True, cwd=repo)
        banks.append(torch.load(next(out.glob('*.pth')), weights_only=True))
    assert torch.equal(banks[0], banks[1])
