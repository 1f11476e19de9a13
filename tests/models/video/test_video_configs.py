"""Video evaluation configs: ConvNeXt-L ones parse with the right switches, toy ones run end to end."""
import importlib.util
import json
import subprocess
import sys

import pytest
from mmengine.config import Config

from tests.models.model_test_utils import REPO_ROOT

EVAL_DIR = REPO_ROOT / 'seg' / 'configs' / 'm2ov_val'
TOY_DIR = REPO_ROOT / 'seg' / 'configs' / 'toy'


@pytest.mark.parametrize('name, clip_size, things, stuff, bank, metric', [
    ('y19', 5, 40, 0, 'convnext_large_d_320_YouTubeVISDataset_2019', 'VideoInstanceAPMetric'),
    ('y21', 5, 40, 0, 'convnext_large_d_320_YouTubeVISDataset_2021', 'VideoInstanceAPMetric'),
    ('vipseg', 2, 58, 66, 'convnext_large_d_320_VIPSegDataset', 'VideoPanopticMetric'),
])
def test_convl_video_eval_configs(name, clip_size, things, stuff, bank, metric):
    cfg = Config.fromfile(str(EVAL_DIR / f'eval_m2_convl_300q_ov_{name}.py'))
    model = cfg.model
    assert model.type == 'OMGSegVideo' and model.clip_size == clip_size
    assert (model.clip_size_small, model.small_clip_thr) == (3, 15)
    head = model.panoptic_head
    assert (head.num_things_classes, head.num_stuff_classes) == (things, stuff)
    assert head.classifier.bank_name == bank
    assert len(head.loss_cls.class_weight) == things + stuff + 1
    assert model.test_cfg.object_mask_thr == 0.0
    assert model.test_cfg.instance_on == (stuff == 0) and model.test_cfg.panoptic_on == (stuff > 0)
    assert cfg.test_evaluator.type == metric and cfg.test_dataloader.batch_size == 1
    assert cfg.train_dataloader is None and cfg.test_cfg.type == 'TestLoop'


def run_test_tool(config: str, data_root, work_dir, extra: list[str]) -> dict:
    """tools/test.py on a toy config with a placeholder text bank; returns the metrics."""
    spec = importlib.util.spec_from_file_location('test_tool', REPO_ROOT / 'tools' / 'test.py')
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    options = ['model.panoptic_head.classifier.bank_name=None',
               'model.panoptic_head.classifier.placeholder_bank=True',
               'test_dataloader.dataset.indices=1', *extra]
    return tool.main([str(TOY_DIR / config), '--work-dir', str(work_dir), '--cfg-options', *options])


@pytest.fixture(scope='module')
def toy_root(tmp_path_factory):
    out = tmp_path_factory.mktemp('toy')
    subprocess.run([sys.executable, str(REPO_ROOT / 'tools' / 'dataset_convert' / 'make_toy_data.py'),
                    '--out', str(out), '--seed', '0', '--datasets', 'youtube_vis_2019,vipseg', '--force'],
                   check=True, capture_output=True)
    return out


def test_toy_ytvis_eval_runs_end_to_end(toy_root, tmp_path):
    metrics = run_test_tool('omg_toy_eval_y19.py', toy_root, tmp_path,
                            [f'test_dataloader.dataset.data_root={toy_root}/youtube_vis_2019/'])
    assert 'ytvis/AP' in metrics and 0 <= metrics['ytvis/AP'] <= 100
    results = json.loads((tmp_path / 'youtube_vis_2019_results' / 'results.json').read_text())
    assert results and {'video_id', 'score', 'category_id', 'segmentations'} <= set(results[0])
    lengths = {len(r['segmentations']) for r in results}
    assert len(lengths) == 1 and lengths.pop() > 1  # one RLE per frame of the video
    assert (tmp_path / 'youtube_vis_2019_results' / 'results.submission_file.zip').is_file()


def test_toy_vipseg_eval_runs_end_to_end(toy_root, tmp_path):
    metrics = run_test_tool('omg_toy_eval_vipseg.py', toy_root, tmp_path,
                            [f'test_dataloader.dataset.data_root={toy_root}/VIPSeg/'])
    assert {'vps/VPQ', 'vps/STQ', 'vps/IoU'} <= set(metrics)
    pngs = sorted((tmp_path / 'vipseg_results' / 'pan_pred').rglob('*.png'))
    assert len(pngs) > 1  # one panoptic PNG per frame
    assert (tmp_path / 'vipseg_results' / 'pred.json').is_file()
