"""Run mmengine's distributed launchers on CPU-only machines (gloo backend, DDP without device ids)."""
from __future__ import annotations

import os

import torch
import torch.distributed as torch_dist
from mmengine.config import Config


def prepare_cpu_distributed(cfg: Config) -> bool:
    """On a machine without CUDA, start a gloo process group and a CPU DDP wrapper; True if it did.

    mmengine 0.10.7 always calls ``torch.cuda.set_device`` when it initialises a ``pytorch``/``slurm``
    launch and gives DDP ``device_ids=[LOCAL_RANK]``; both fail without a GPU. Initialising the process
    group here makes the runner skip its own initialisation.
    """
    if cfg.get('launcher', 'none') == 'none' or torch.cuda.is_available():
        return False
    if not torch_dist.is_initialized():
        if cfg.launcher == 'slurm':
            _export_slurm_env()
        torch_dist.init_process_group(backend='gloo')
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})['backend'] = 'gloo'
    wrapper = dict(cfg.get('model_wrapper_cfg') or {})
    wrapper.setdefault('type', 'MMDistributedDataParallel')
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
    return True


def _export_slurm_env() -> None:
    """Translate SLURM's variables into the ones ``init_process_group('env://')`` reads."""
    os.environ.setdefault('RANK', os.environ['SLURM_PROCID'])
    os.environ.setdefault('WORLD_SIZE', os.environ['SLURM_NTASKS'])
    os.environ.setdefault('LOCAL_RANK', os.environ.get('SLURM_LOCALID', '0'))
    os.environ.setdefault('MASTER_PORT', '29500')
    if 'MASTER_ADDR' not in os.environ:
        import subprocess
        nodes = os.environ['SLURM_NODELIST']
        first = subprocess.getoutput(f'scontrol show hostname {nodes} | head -n1')
        os.environ['MASTER_ADDR'] = first
