"""tools/test.py takes the checkpoint as mmdet does (``test.py CONFIG CHECKPOINT``) or as ``--checkpoint``."""
import importlib.util
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[2] / 'tools' / 'test.py'


@pytest.fixture(scope='module')
def test_tool():
    spec = importlib.util.spec_from_file_location('omg_test_tool', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_positional_checkpoint_as_in_mmdet(test_tool):
    args = test_tool.parse_args(['cfg.py', 'ckpt.pth', '--show-dir', 'vis'])
    assert (args.config, args.checkpoint, args.show_dir) == ('cfg.py', 'ckpt.pth', 'vis')


def test_checkpoint_flag_still_works_and_none_is_allowed(test_tool):
    assert test_tool.parse_args(['cfg.py', '--checkpoint', 'a.pth']).checkpoint == 'a.pth'
    assert test_tool.parse_args(['cfg.py']).checkpoint is None


def test_two_different_checkpoints_are_refused(test_tool, capsys):
    with pytest.raises(SystemExit) as exit_info:
        test_tool.parse_args(['cfg.py', 'a.pth', '--checkpoint', 'b.pth'])
    assert exit_info.value.code == 2
    assert "two checkpoints given: 'a.pth' and --checkpoint 'b.pth'" in capsys.readouterr().err
