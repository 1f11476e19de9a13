"""Shared pytest fixtures: the repository root and the toy datasets (generated once per session)."""
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope='session')
def repo_root() -> Path:
    """Absolute path of the repository root."""
    return REPO_ROOT


@pytest.fixture(scope='session')
def toy_root(tmp_path_factory) -> Path:
    """Every toy dataset, as ``make_toy_data.py --out DIR --seed 0`` writes them, in a session temp dir."""
    from seg.datasets.toy import make_toy_data
    root = tmp_path_factory.mktemp('toy_data')
    make_toy_data(root, seed=0)
    return root
