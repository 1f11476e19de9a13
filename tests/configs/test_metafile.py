"""Every config named in the model zoo metafile exists and parses."""
from pathlib import Path

import pytest
import yaml
from mmengine.config import Config

REPO_ROOT = Path(__file__).resolve().parents[2]
METAFILE = REPO_ROOT / 'seg' / 'configs' / 'metafile.yml'


def _config_paths() -> list[str]:
    models = yaml.safe_load(METAFILE.read_text())['Models']
    paths = []
    for model in models:
        paths.append(model['Config'])
        paths.extend(model.get('Eval configs', []))
    return paths


def test_metafile_lists_models():
    names = [m['Name'] for m in yaml.safe_load(METAFILE.read_text())['Models']]
    assert {'omg_seg_convl', 'omg_seg_toy'} <= set(names)


@pytest.mark.parametrize('path', _config_paths())
def test_metafile_config_exists_and_parses(path):
    config = REPO_ROOT / path
    assert config.is_file(), f'{METAFILE.name} names a missing config: {path}'
    cfg = Config.fromfile(str(config))
    assert cfg.model.type.startswith('OMGSeg'), cfg.model.type
