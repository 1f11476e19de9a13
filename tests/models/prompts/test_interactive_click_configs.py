"""The click-set recipe configs train on prompts and object queries together and report the click metrics."""
import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from tests.models.model_test_utils import REPO_ROOT

TOY = REPO_ROOT / 'seg' / 'configs' / 'toy'


def _short_run(name: str, toy_root, work_dir, eval_clicks: int) -> dict:
    cfg = Config.fromfile(str(TOY / name))
    cfg.model.panoptic_head.classifier.update(bank_name=None, placeholder_bank=True)
    cfg.model.eval_clicks = eval_clicks
    for dataset in cfg.train_dataloader.dataset.datasets:
        dataset.data_root = str(toy_root / 'coco') + '/'
    cfg.test_dataloader.dataset.data_root = str(toy_root / 'coco') + '/'
    cfg.train_cfg.max_iters = 4
    cfg.default_hooks.checkpoint.interval = 4
    cfg.work_dir = str(work_dir)
    cfg.default_hooks.pop('visualization', None)
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.train_dataloader.dataset.data_tags == ('coco', 'sam')
    return runner.test()


def test_click_recipe_reports_miou_after_clicks_noc_and_box_miou(toy_root, tmp_path):
    metrics = _short_run('omg_toy_interactive_clicks.py', toy_root, tmp_path, eval_clicks=3)
    assert {'interactive/mIoU@1', 'interactive/mIoU@3', 'interactive/NoC@85', 'interactive/NoC@90',
            'interactive/box_mIoU'} <= metrics.keys()
    assert 'interactive/mIoU@5' not in metrics  # only 3 clicks simulated
    assert 1.0 <= metrics['interactive/NoC@85'] <= 20.0
    assert metrics['interactive/mIoU'] == pytest.approx(metrics['interactive/mIoU@1'], abs=1e-5)


def test_one_click_baseline_uses_the_published_encoding(toy_root, tmp_path):
    cfg = Config.fromfile(str(TOY / 'omg_toy_interactive_oneclick.py'))
    assert cfg.model.panoptic_head.prompt_encoder == dict(type='PromptQueryGenerator')
    assert cfg.model.eval_clicks == 1
    metrics = _short_run('omg_toy_interactive_oneclick.py', toy_root, tmp_path, eval_clicks=1)
    assert 'interactive/mIoU@3' not in metrics and 'interactive/NoC@85' in metrics
