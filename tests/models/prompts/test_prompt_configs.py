"""Interactive and DAVIS configs: the toy ones run end to end, the full ones hold the reference switches."""
import json
import subprocess
import sys

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from tests.models.model_test_utils import REPO_ROOT

CONFIGS = REPO_ROOT / 'seg' / 'configs'


@pytest.fixture(scope='module')
def toy_root(tmp_path_factory):
    out = tmp_path_factory.mktemp('toy')
    script = REPO_ROOT / 'tools' / 'dataset_convert' / 'make_toy_data.py'
    subprocess.run([sys.executable, str(script), '--out', str(out), '--seed', '0',
                    '--datasets', 'coco,davis'], check=True, cwd=REPO_ROOT, capture_output=True)
    return out


def _runner(cfg: Config, work_dir) -> Runner:
    cfg.work_dir = str(work_dir)
    cfg.default_hooks.pop('visualization', None)
    return Runner.from_cfg(cfg)


def test_toy_interactive_config_trains_on_sam_prompts_and_reports_miou(toy_root, tmp_path):
    cfg = Config.fromfile(str(CONFIGS / 'toy' / 'omg_toy_interactive.py'))
    cfg.train_dataloader.dataset.data_root = str(toy_root / 'coco') + '/'
    cfg.test_dataloader.dataset.data_root = str(toy_root / 'coco') + '/'
    cfg.train_cfg.max_iters = 3
    cfg.train_cfg.val_interval = 4
    cfg.default_hooks.checkpoint.interval = 3
    runner = _runner(cfg, tmp_path)
    runner.train()
    metrics = runner.test()
    assert 0.0 <= metrics['interactive/mIoU'] <= 100.0
    annotations = json.loads((toy_root / 'coco/annotations/panoptic_val2017.json').read_text())['annotations']
    non_crowd = sum(not seg.get('iscrowd', 0) for ann in annotations for seg in ann['segments_info'])
    assert metrics['interactive/num_prompts'] == non_crowd  # one prompt per non-crowd segment


def test_toy_davis_config_writes_palette_pngs_and_reports_j_and_f(toy_root, tmp_path):
    cfg = Config.fromfile(str(CONFIGS / 'toy' / 'omg_toy_eval_davis.py'))
    cfg.test_dataloader.dataset.data_root = str(toy_root / 'DAVIS') + '/'
    metrics = _runner(cfg, tmp_path).test()
    assert 0.0 <= metrics['davis/J&F'] <= 100.0
    videos = (toy_root / 'DAVIS' / 'ImageSets' / '2017' / 'val.txt').read_text().split()
    for video in videos:
        frames = list((toy_root / 'DAVIS' / 'JPEGImages' / '480p' / video).glob('*.jpg'))
        assert len(list((tmp_path / 'DAVIS' / video).glob('*.png'))) == len(frames)


def test_published_weight_configs_use_the_reference_prompt_encoding():
    point = Config.fromfile(str(CONFIGS / 'm2ov_val' / 'eval_m2_convl_ov_coco_pan_point.py'))
    head = point.model.panoptic_head
    assert point.model.type == 'OMGSegInteractive' and point.model.prompts_only
    assert head.enable_box_query and head.prompt_encoder.point_as_box
    assert head.prompt_encoder.canvas == 'img_shape'
    assert head.prompt_sampler.eval_prompt_type == 'point'
    assert point.test_dataloader.dataset.type == 'CocoPanopticSAMDataset'
    assert point.test_evaluator.type == 'InteractiveIoUMetric'
    box = Config.fromfile(str(CONFIGS / 'm2ov_val' / 'eval_m2_convl_ov_coco_pan_box.py'))
    assert box.model.panoptic_head.prompt_sampler.eval_prompt_type == 'box'
    davis = Config.fromfile(str(CONFIGS / 'm2ov_val' / 'eval_m2_convl_300q_ov_davis.py'))
    assert davis.model.type == 'OMGSegVOS' and davis.model.vos_mode == 'proposal'
    assert davis.model.num_proposals == 25 and davis.model.clip_size == 5
    assert not davis.model.panoptic_head.enable_box_query
    assert davis.test_dataloader.dataset.type == 'DAVISDataset'
