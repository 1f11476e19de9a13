"""Toy datasets generated once per session into a pytest temp dir, and toy configs pointed at them."""
import copy
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

REPO = Path(__file__).resolve().parents[2]
DATASET_CONFIGS = REPO / 'seg' / 'configs' / '_base_' / 'datasets'
TOY_PREFIX = 'data/toy/'


def redirect_data_roots(node, root: Path):
    """Replace the ``data/toy/`` prefix of every ``data_root`` in a config tree by ``root``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == 'data_root' and isinstance(value, str) and value.startswith(TOY_PREFIX):
                node[key] = str(root) + '/' + value[len(TOY_PREFIX):]
            else:
                redirect_data_roots(value, root)
    elif isinstance(node, list):
        for item in node:
            redirect_data_roots(item, root)
    return node


@pytest.fixture(scope='session')
def toy_config(toy_root):
    """``toy_config('toy_cotrain')`` -> Config of seg/configs/_base_/datasets/<name>.py on the toy data."""
    init_default_scope('mmdet')
    import seg  # noqa: F401

    def load(name: str) -> Config:
        cfg = Config.fromfile(str(DATASET_CONFIGS / f'{name}.py'))
        redirect_data_roots(cfg._cfg_dict, toy_root)
        return copy.deepcopy(cfg)
    return load
