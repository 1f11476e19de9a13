"""Every command-line tool answers --help, and the shell launchers print usage on bad arguments."""
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PY_TOOLS = sorted(p for p in (REPO_ROOT / 'tools').rglob('*.py') if not p.name.startswith('_'))
SHELL_LAUNCHERS = ['dist.sh', 'slurm.sh']


@pytest.mark.parametrize('tool', PY_TOOLS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_python_tool_help(tool):
    proc = subprocess.run([sys.executable, str(tool), '--help'], capture_output=True, text=True,
                          cwd=REPO_ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert 'usage' in proc.stdout.lower()


@pytest.mark.parametrize('launcher', SHELL_LAUNCHERS)
def test_launcher_usage_on_missing_args(launcher):
    proc = subprocess.run(['bash', str(REPO_ROOT / 'tools' / launcher)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert 'usage' in proc.stderr


@pytest.mark.parametrize('launcher', SHELL_LAUNCHERS)
def test_launcher_rejects_unknown_tool(launcher):
    env_args = ['env', 'PARTITION=p'] if launcher == 'slurm.sh' else []
    proc = subprocess.run([*env_args, 'bash', str(REPO_ROOT / 'tools' / launcher), 'nosuchtool', 'c.py', '1'],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "unknown tool 'nosuchtool'" in proc.stderr
