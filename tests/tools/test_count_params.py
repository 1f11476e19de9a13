"""tools/analysis/count_params.py: the main ConvNeXt-L config matches the official state_dict and counts."""
import importlib.util
import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_DIR = REPO_ROOT / 'tests' / 'models' / 'data'  # copies of ../shared/spec: the checkpoint contract
MAIN_MODEL_CONFIG = REPO_ROOT / 'seg' / 'configs' / '_base_' / 'models' / 'omg_convl.py'
TOY_MODEL_CONFIG = REPO_ROOT / 'seg' / 'configs' / '_base_' / 'models' / 'omg_toy.py'
TRAIN_CONFIG = (REPO_ROOT / 'seg' / 'configs' / 'm2ov_train' /
                'omg_convl_vlm_fix_12e_ov_coco_vid_yt19_vip_city_cocopansam.py')
OFFICIAL_TSV = SPEC_DIR / 'official_state_dict.tsv'
OFFICIAL_PARAMS = SPEC_DIR / 'official_params.md'


def _load_tool():
    spec = importlib.util.spec_from_file_location(
        'count_params', REPO_ROOT / 'tools' / 'analysis' / 'count_params.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _official_trainable() -> int:
    text = OFFICIAL_PARAMS.read_text()
    return int(re.search(r'trainable \(requires_grad\): \*\*([\d,]+)\*\*', text).group(1).replace(',', ''))


@pytest.fixture(scope='module')
def tool():
    return _load_tool()


def test_main_config_state_dict_equals_official(tool, tmp_path, capsys):
    """ConvNeXt-L + prompt parameters (training head) vs official_state_dict.tsv: same keys, shapes, order."""
    out = tmp_path / 'ours.tsv'
    tool.main([str(MAIN_MODEL_CONFIG), '--placeholder-bank', '--dump-keys', str(out),
               '--cfg-options', 'model.panoptic_head.enable_box_query=True'])
    ours = out.read_text().splitlines()
    official = OFFICIAL_TSV.read_text().splitlines()
    head = [row for row in ours if row.startswith('panoptic_head.')]
    official_head = [row for row in official if row.startswith('panoptic_head.')]
    assert len(official_head) == 310
    assert head == official_head
    assert ours == official  # backbone too: 345 frozen tensors
    report = capsys.readouterr().out
    assert f'trainable: {_official_trainable():,}' in report
    assert 'total parameters: 220,781,185' in report


def test_eval_head_has_no_prompt_parameters(tool):
    model = tool.build_model_offline(str(MAIN_MODEL_CONFIG), placeholder_bank=True)
    keys = model.state_dict().keys()
    assert not any(k.startswith(('panoptic_head.mask_tokens', 'panoptic_head.pos_linear')) for k in keys)
    assert sum(p.numel() for p in model.parameters() if p.requires_grad) == 20_878_273


def test_train_config_if_its_dataset_base_exists(tool):
    if not (TRAIN_CONFIG.parent.parent / '_base_' / 'datasets' /
            'coco_panoptic_video_yt19_vip_cityscapes_cocopansam.py').is_file():
        pytest.skip('dataset base config of the training config does not exist yet')
    model = tool.build_model_offline(str(TRAIN_CONFIG), placeholder_bank=True)
    assert sum(p.numel() for p in model.parameters() if p.requires_grad) == _official_trainable()


def test_rows_format_and_cpu_build(tool, tmp_path):
    model = tool.build_model_offline(str(TOY_MODEL_CONFIG), placeholder_bank=True, device='cpu')
    rows = tool.state_dict_rows(model)
    assert rows[0] == ('backbone.stem.0.weight', '40x3x4x4', 'float32', '0')
    head_row = dict((r[0], r) for r in rows)['panoptic_head.query_feat.weight']
    assert head_row == ('panoptic_head.query_feat.weight', '20x64', 'float32', '1')
    report = tool.format_report(model, depth=2)
    assert re.search(r'panoptic_head\.query_feat\s+1,280\s+0\s+1', report)


def test_missing_bank_suggests_placeholder_bank(tmp_path, monkeypatch, capsys):
    """Without a bank on disk the tool says how to count anyway, in one message and exit code 2."""
    monkeypatch.chdir(tmp_path)  # no data/embeddings here
    assert _load_tool().main([str(MAIN_MODEL_CONFIG), '--device', 'meta']) == 2
    err = capsys.readouterr().err
    assert err.startswith('error: text-embedding bank data/embeddings/convnext_large_d_320_')
    assert 'add --placeholder-bank to count without it' in err
