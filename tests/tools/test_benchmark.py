"""tools/analysis/benchmark.py runs on the toy config and prints its table (no timing assertions)."""
import importlib.util
import sys
from pathlib import Path

import pytest

from tests.apis.toy_workspace import ensure_toy_workspace

REPO_ROOT = Path(__file__).resolve().parents[2]


def load_benchmark():
    """tools/analysis/benchmark.py as a module."""
    path = REPO_ROOT / 'tools' / 'analysis' / 'benchmark.py'
    spec = importlib.util.spec_from_file_location('benchmark', path)
    module = importlib.util.module_from_spec(spec)
    sys.modules['benchmark'] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def benchmark_tool():
    return load_benchmark()


def test_benchmark_prints_every_phase(benchmark_tool, tmp_path_factory, monkeypatch, capsys):
    workspace = ensure_toy_workspace(tmp_path_factory.getbasetemp() / 'api_toy_workspace')
    monkeypatch.chdir(workspace.root)  # the config's data paths are relative
    rows = benchmark_tool.main([str(workspace.config), '--checkpoint', str(workspace.checkpoint),
                                '--iters', '2', '--warmup', '1', '--device', 'cpu',
                                '--cfg-options', *workspace.cli_options])
    assert [row.phase for row in rows] == ['data loader', 'train step', 'inference']
    assert all(row.iterations == 2 and row.items == 2 * 2 and row.peak_memory_mb > 0 for row in rows)
    table = capsys.readouterr().out
    assert 'device: cpu' in table and 'peak memory (MB)' in table
    for phase in ('data loader', 'train step', 'inference'):
        assert phase in table


def test_benchmark_rejects_unknown_phases(benchmark_tool):
    with pytest.raises(SystemExit):
        benchmark_tool.parse_args(['config.py', '--skip', 'data,warp'])
