"""Shared pytest fixtures: the repository root."""
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope='session')
def repo_root() -> Path:
    """Absolute path of the repository root."""
    return REPO_ROOT
