"""Config loading for the tools: clear errors for a missing config or an unusable output dir."""
import pytest

from seg.utils.config_utils import ConfigError, ensure_writable_dir, load_config


def _write_config(path):
    path.write_text("model = dict(type='X')\nwork_dir = None\n")
    return path


def test_missing_config_is_named(tmp_path):
    missing = tmp_path / 'nope.py'
    with pytest.raises(ConfigError, match='config file not found: .*nope.py'):
        load_config(str(missing))


def test_work_dir_default_and_overrides(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = load_config(str(_write_config(tmp_path / 'my_cfg.py')), cfg_options={'model.depth': 3})
    assert cfg.work_dir == './work_dirs/my_cfg'
    assert cfg.model.depth == 3
    assert (tmp_path / 'work_dirs' / 'my_cfg').is_dir()


def test_unusable_output_dir_is_named(tmp_path):
    blocker = tmp_path / 'a_file'
    blocker.write_text('x')
    with pytest.raises(ConfigError, match='cannot create output directory .*a_file/sub'):
        ensure_writable_dir(str(blocker / 'sub'))
    with pytest.raises(ConfigError, match='a_file/sub'):
        load_config(str(_write_config(tmp_path / 'c.py')), work_dir=str(blocker / 'sub'))


def test_cpu_distributed_is_left_alone_without_a_launcher(tmp_path):
    cfg = load_config(str(_write_config(tmp_path / 'c.py')), work_dir=str(tmp_path / 'w'))
    assert cfg.launcher == 'none'
    assert 'model_wrapper_cfg' not in cfg
