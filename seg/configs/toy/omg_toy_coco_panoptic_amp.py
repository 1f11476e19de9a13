# The toy COCO panoptic config trained with automatic mixed precision (what `tools/train.py --amp` does):
# bf16 autocast on the CPU (no loss scaling), fp16 with dynamic loss scaling on a GPU. The frozen CLIP
# backbone runs under no_grad, so in AMP its forward is bf16 / fp16 too. Measured against fp32 by
# tools/analysis/amp_benchmark.py; on a CPU without AVX512-BF16 / AMX, bf16 is slower than fp32.
_base_ = './omg_toy_coco_panoptic.py'

optim_wrapper = dict(type='DeviceAmpOptimWrapper', loss_scale='dynamic')
