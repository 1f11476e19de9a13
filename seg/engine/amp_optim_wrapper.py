"""mmengine's AmpOptimWrapper on any device: fp16 / bf16 on a GPU, bf16 autocast on the CPU."""
from __future__ import annotations

import torch
from mmengine.device import is_cuda_available, is_mlu_available, is_musa_available, is_npu_available
from mmengine.optim import AmpOptimWrapper, OptimWrapper
from mmengine.registry import OPTIM_WRAPPERS


def accelerator_available() -> bool:
    """Whether mmengine's own AmpOptimWrapper can run here (a GPU / NPU / MLU / MUSA device)."""
    return is_cuda_available() or is_npu_available() or is_mlu_available() or is_musa_available()


@OPTIM_WRAPPERS.register_module()
class DeviceAmpOptimWrapper(AmpOptimWrapper):
    """Mixed-precision training on a GPU (mmengine's behaviour, fp16 by default) or on the CPU.

    On a machine without an accelerator, mmengine's wrapper refuses to start; this one autocasts the
    forward to bfloat16 (the only CPU autocast dtype) and skips loss scaling (bf16 has fp32's exponent
    range, gradients do not underflow). ``dtype='float16'`` on the CPU is refused by name. Parameters,
    gradients and optimizer state stay fp32; the matcher runs with autocast off (the head's choice).
    """

    def __init__(self, loss_scale: str | float | dict = 'dynamic', dtype: str | torch.dtype | None = None,
                 use_fsdp: bool = False, **kwargs) -> None:
        if accelerator_available():
            super().__init__(loss_scale=loss_scale, dtype=dtype, use_fsdp=use_fsdp, **kwargs)
            return
        if dtype not in (None, 'bfloat16', torch.bfloat16):
            raise ValueError(f'optim_wrapper.dtype={dtype!r}: AMP on the CPU runs bfloat16 only '
                             "(use dtype='bfloat16', or train on a GPU for float16)")
        OptimWrapper.__init__(self, **kwargs)
        self._scale_update_param = None
        self.loss_scaler = torch.amp.GradScaler('cpu', enabled=False)  # no-op: bf16 needs no scaling
        self.cast_dtype = torch.bfloat16
