"""Fixtures of the predictor tests: the toy workspace and predictors on the toy checkpoint."""
import pytest

from tests.apis.toy_workspace import ToyWorkspace, ensure_toy_workspace


@pytest.fixture(scope='session')
def toy_workspace(tmp_path_factory) -> ToyWorkspace:
    return ensure_toy_workspace(tmp_path_factory.getbasetemp() / 'api_toy_workspace')
