"""torch.load(weights_only=True) accepts mmengine's own checkpoints once the shim is installed."""
import subprocess
import sys
import textwrap

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer

import seg  # noqa: F401  (installs the shim)


def _mmengine_like_checkpoint() -> dict:
    """The objects mmengine's runner stores beside tensors: message hub buffers and numpy values."""
    buffer = HistoryBuffer()
    buffer.update(0.5)
    buffer.update(0.25)
    return {
        'state_dict': {'w': torch.ones(2)},
        'message_hub': {'log_scalars': {'train/loss': buffer},
                        'runtime_info': {'seed': np.int64(3), 'arr': np.arange(3, dtype=np.float32)}},
    }


def test_weights_only_load_of_mmengine_objects(tmp_path):
    path = tmp_path / 'ckpt.pth'
    torch.save(_mmengine_like_checkpoint(), path)
    loaded = torch.load(path, weights_only=True)
    assert loaded['message_hub']['log_scalars']['train/loss'].mean() == 0.375
    assert loaded['message_hub']['runtime_info']['arr'].tolist() == [0.0, 1.0, 2.0]
    assert int(loaded['message_hub']['runtime_info']['seed']) == 3


def test_without_shim_torch_refuses_the_same_file(tmp_path):
    """Guards the shim's purpose: a fresh interpreter without ``import seg`` must fail."""
    path = tmp_path / 'ckpt.pth'
    torch.save(_mmengine_like_checkpoint(), path)
    code = textwrap.dedent(f"""
        import torch
        try:
            torch.load({str(path)!r}, weights_only=True)
        except Exception as exc:
            print('REFUSED', type(exc).__name__)
        else:
            print('LOADED')
    """)
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout
    assert 'REFUSED' in out
