# Shared video evaluation model (EVAL.md §2): the evaluation model as OMGSegVideo, MinVIS clip-by-clip
# inference (tubes of 5 frames, 3 for videos of at most 15 frames). 1/4-resolution mask logits are kept on
# the CPU and upsampled one frame at a time (GAPS.md §1.8); results go to the CPU.
_base_ = ['./m2_convl_300q.py']

model = dict(
    type='OMGSegVideo',
    clip_size=5,
    clip_size_small=3,
    small_clip_thr=15,
    mask_store_device='cpu',
    mask_store_dtype='float32',
    result_device='cpu')

