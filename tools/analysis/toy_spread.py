"""How much the quick start's toy metrics move when the CPU kernels change (threads, instruction sets).

Trains and evaluates the quick-start config once per variant, each with the quick start's pinned settings
except the one changed, and prints PQ / mask AP per variant and the range. Run from a folder that holds the
quick start's ``data/`` (toy data and bank), e.g. the repository after ``bash tools/quickstart.sh``:

    python tools/analysis/toy_spread.py [--variants pinned threads1 ...] [--work-dir work_dirs/toy_spread]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG = 'seg/configs/toy/omg_toy_coco_panoptic.py'
PINNED_KEYS = ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'ATEN_CPU_CAPABILITY', 'ONEDNN_MAX_CPU_ISA', 'MKL_CBWR')


def pinned_settings() -> dict[str, str]:
    """What tools/quickstart.sh sets on this machine (tools/cpu_numerics.sh, from a clean slate)."""
    env = {k: v for k, v in os.environ.items() if k not in PINNED_KEYS and k != 'QUICKSTART_THREADS'}
    script = f'source "{REPO_ROOT / "tools" / "cpu_numerics.sh"}" && env -0'
    out = subprocess.run(['bash', '-c', script], env=env, capture_output=True, text=True, check=True).stdout
    pairs = (item.split('=', 1) for item in out.split('\0') if '=' in item)
    return {key: value for key, value in pairs if key in PINNED_KEYS}


VARIANTS = {
    'pinned': {},
    'unpinned': {'ATEN_CPU_CAPABILITY': None, 'ONEDNN_MAX_CPU_ISA': None, 'MKL_CBWR': None},
    'threads1': {'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1'},
    'aten_scalar': {'ATEN_CPU_CAPABILITY': 'default'},
    'onednn_sse41': {'ONEDNN_MAX_CPU_ISA': 'SSE41'},
}
METRICS = ('coco_panoptic/PQ', 'coco_panoptic/PQ_th', 'coco_panoptic/PQ_st', 'coco/segm_mAP')


def variant_env(changes: dict[str, str | None]) -> dict[str, str]:
    """The quick start's pinned environment with ``changes`` applied (None removes a variable)."""
    env = dict(os.environ, **pinned_settings(), PYTHONPATH=str(REPO_ROOT))
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_variant(name: str, work_root: Path) -> dict[str, float]:
    """Train + test the toy config under one variant; its metrics (percent)."""
    work_dir = work_root / name
    env = variant_env(VARIANTS[name])
    log = work_root / f'{name}.log'
    with log.open('w') as out:
        tools = REPO_ROOT / 'tools'
        for args in ([str(tools / 'train.py'), CONFIG, '--work-dir', str(work_dir)],
                     [str(tools / 'test.py'), CONFIG, '--work-dir', str(work_dir), '--checkpoint',
                      str(work_dir / 'iter_600.pth'), '--metrics-out', str(work_dir / 'metrics.json')]):
            subprocess.run([sys.executable, *args], cwd=os.getcwd(), env=env, stdout=out,
                           stderr=subprocess.STDOUT, check=True, timeout=3600)
    metrics = json.loads((work_dir / 'metrics.json').read_text())
    return {key: float(metrics[key]) * (100.0 if key.startswith('coco/') else 1.0) for key in METRICS}


def main(argv=None) -> None:
    """Run the chosen variants and print the table and the range of each metric."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--variants', nargs='+', choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument('--work-dir', default='work_dirs/toy_spread')
    args = parser.parse_args(argv)
    work_root = Path(args.work_dir)
    work_root.mkdir(parents=True, exist_ok=True)
    rows = {}
    for name in args.variants:
        start = time.time()
        rows[name] = run_variant(name, work_root)
        print(f'{name:13s} ' + '  '.join(f'{k.split("/")[-1]} {v:5.1f}' for k, v in rows[name].items())
              + f'  ({time.time() - start:.0f} s)', flush=True)
    print('\n| variant | ' + ' | '.join(METRICS) + ' |\n|---|' + '---|' * len(METRICS))
    for name, row in rows.items():
        print(f'| {name} | ' + ' | '.join(f'{row[k]:.1f}' for k in METRICS) + ' |')
    ranges = [(min(r[k] for r in rows.values()), max(r[k] for r in rows.values())) for k in METRICS]
    print('| range | ' + ' | '.join(f'{low:.1f}-{high:.1f}' for low, high in ranges) + ' |')


if __name__ == '__main__':
    main()
