"""tools/convert_official.py on a checkpoint synthesised from official_state_dict.tsv (the released layout):
head tensors kept bit for bit as safetensors, key problems refused by name, the folder's config parses."""
import importlib.util
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from safetensors.torch import load_file

from seg.models.utils.checkpoint import CheckpointMismatchError
from tests.utils.official_checkpoint import write_released_checkpoint

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG = REPO_ROOT / 'seg' / 'configs' / 'm2ov_val' / 'eval_m2_convl_300q_ov_coco.py'


def load_tool():
    path = REPO_ROOT / 'tools' / 'convert_official.py'
    spec = importlib.util.spec_from_file_location('convert_official', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def released(tmp_path_factory):
    """The synthesised checkpoint as an mmengine file (``state_dict``, DDP ``module.`` prefixes, one
    non-head tensor), and its head state."""
    path = tmp_path_factory.mktemp('released') / 'omg_seg_convl.pth'
    return path, write_released_checkpoint(path)


def test_converts_the_released_layout(released, tmp_path, capsys):
    path, state = released
    out = load_tool().main([str(path), str(CONFIG), str(tmp_path / 'convl')])
    weights = load_file(str(out / 'model.safetensors'))
    assert len(state) == 310 and weights.keys() == state.keys()
    assert all(torch.equal(weights[k], state[k]) for k in state)
    cfg = Config.fromfile(str(out / 'config.py'))
    assert cfg.model.type == 'OMGSeg' and cfg.model.panoptic_head.num_queries == 300
    printed = capsys.readouterr().out
    assert '310 tensors' in printed and '1 non-head tensors dropped' in printed
    assert '4 tensor(s) not used' in printed  # the prompt tensors: this eval config has no prompts
    assert 'tools/gen_cls.py' in printed  # no text bank here: says how to make one


def test_a_misshaped_key_is_refused_by_name(released, tmp_path):
    path, state = released
    broken = dict(state)
    key = sorted(k for k in broken if k.endswith('.weight') and broken[k].dim() == 2)[0]
    broken[key] = torch.zeros(3, 3)
    torch.save(broken, tmp_path / 'broken.pth')
    with pytest.raises(CheckpointMismatchError, match=key.replace('.', r'\.')):
        load_tool().main([str(tmp_path / 'broken.pth'), str(CONFIG), str(tmp_path / 'out')])
    assert not (tmp_path / 'out').exists()  # nothing written for a bad checkpoint


def test_a_checkpoint_without_head_tensors_is_refused(tmp_path):
    torch.save({'backbone.stem.0.weight': torch.zeros(1)}, tmp_path / 'other.pth')
    with pytest.raises(ValueError, match='no panoptic_head'):
        load_tool().main([str(tmp_path / 'other.pth'), str(CONFIG), str(tmp_path / 'out')])
