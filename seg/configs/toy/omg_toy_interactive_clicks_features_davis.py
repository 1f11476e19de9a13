# Prompt-mode VOS on toy DAVIS-17 with the click-feature model of omg_toy_interactive_clicks_features.py
# (omg_toy_interactive_clicks_refine_davis.py plus the click_features parameters).
# python tools/test.py seg/configs/toy/omg_toy_interactive_clicks_features_davis.py \
#     --checkpoint work_dirs/toy_features/iter_600.pth
_base_ = ['./omg_toy_interactive_clicks_refine_davis.py']

model = dict(panoptic_head=dict(prompt_encoder=dict(click_features=True)))
