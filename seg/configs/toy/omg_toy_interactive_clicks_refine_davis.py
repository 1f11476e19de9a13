# Prompt-mode VOS on toy DAVIS-17 with the refining click-set model of omg_toy_interactive_clicks_refine.py
# (same as omg_toy_interactive_davis.py; the model only has the mask_feedback parameters in addition).
# python tools/test.py seg/configs/toy/omg_toy_interactive_clicks_refine_davis.py \
#     --checkpoint work_dirs/toy_refine/iter_600.pth
_base_ = ['./omg_toy_interactive_davis.py']

model = dict(panoptic_head=dict(prompt_encoder=dict(mask_feedback=True)))
