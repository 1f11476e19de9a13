"""Toy generator: determinism, output-folder policy, argument errors and the CLI."""
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from seg.datasets.toy import DATASET_NAMES, ToyDataError, make_toy_data

REPO_ROOT = Path(__file__).resolve().parents[3]
CLI = REPO_ROOT / 'tools' / 'dataset_convert' / 'make_toy_data.py'
TOP_FOLDERS = {'coco', 'ade', 'cityscapes', 'youtube_vis_2019', 'youtube_vis_2021', 'VIPSeg', 'DAVIS'}


def file_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob('*')) if p.is_file()}


def test_same_seed_gives_identical_bytes(toy_root, tmp_path):
    make_toy_data(tmp_path, seed=0)
    first, second = file_hashes(toy_root), file_hashes(tmp_path)
    assert first and first == second
    assert {Path(p).parts[0] for p in first} == TOP_FOLDERS  # no temporary folders left behind


def test_other_seed_gives_other_data(tmp_path):
    make_toy_data(tmp_path / 'a', seed=0, datasets='davis')
    make_toy_data(tmp_path / 'b', seed=1, datasets='davis')
    assert file_hashes(tmp_path / 'a') != file_hashes(tmp_path / 'b')


def test_total_size_is_small(toy_root):
    total = sum(p.stat().st_size for p in toy_root.rglob('*') if p.is_file())
    assert total < 12e6


def test_unknown_dataset_name_lists_valid_names(tmp_path):
    with pytest.raises(ToyDataError, match='nosuch') as info:
        make_toy_data(tmp_path, datasets='coco,nosuch')
    assert all(name in str(info.value) for name in DATASET_NAMES)
    assert not any(tmp_path.iterdir())  # nothing written


def test_existing_output_refused_then_replaced_with_force(tmp_path):
    make_toy_data(tmp_path, datasets=['davis'])
    marker = tmp_path / 'DAVIS' / 'user_file.txt'
    marker.write_text('keep me unless forced')
    with pytest.raises(ToyDataError, match='--force') as info:
        make_toy_data(tmp_path, datasets=['davis'])
    assert str(tmp_path / 'DAVIS') in str(info.value) and marker.exists()
    make_toy_data(tmp_path, datasets=['davis'], force=True)
    assert not marker.exists() and (tmp_path / 'DAVIS' / 'ImageSets' / '2017' / 'val.txt').exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ['DAVIS']


def test_unwritable_output_names_the_path(tmp_path):
    blocker = tmp_path / 'a_file'
    blocker.write_text('')
    with pytest.raises(ToyDataError, match=str(blocker / 'out')):
        make_toy_data(blocker / 'out', datasets='davis')


def run_cli(*args):
    return subprocess.run([sys.executable, str(CLI), *args], capture_output=True, text=True, cwd=REPO_ROOT,
                          timeout=300)


def test_cli_help():
    proc = run_cli('--help')
    assert proc.returncode == 0 and 'usage' in proc.stdout.lower() and '--datasets' in proc.stdout


def test_cli_rejects_bad_dataset_and_prints_summary(tmp_path):
    bad = run_cli('--out', str(tmp_path / 'x'), '--datasets', 'mscoco')
    assert bad.returncode == 2 and "unknown dataset name(s) ['mscoco']" in bad.stderr
    ok = run_cli('--out', str(tmp_path / 'y'), '--datasets', 'davis', '--seed', '3')
    assert ok.returncode == 0, ok.stderr
    assert 'davis' in ok.stdout and '3 val sequences' in ok.stdout and 'wrote 1 toy dataset(s)' in ok.stdout
    again = run_cli('--out', str(tmp_path / 'y'), '--datasets', 'davis')
    assert again.returncode == 2 and '--force' in again.stderr
