# Prompt-mode VOS on toy DAVIS-17 with the click-set model of omg_toy_interactive_clicks.py: each frame is
# prompted with the previous frame's object masks (one click at each mask's deepest point), J&F reported.
# python tools/test.py seg/configs/toy/omg_toy_interactive_davis.py --checkpoint work_dirs/toy_clicks/iter_600.pth
_base_ = ['./omg_toy_eval_davis.py']

model = dict(
    vos_mode='prompt',
    prompt_kinds=('point', ),
    panoptic_head=dict(enable_box_query=True,
                       prompt_encoder=dict(type='ClickSetPromptEncoder', max_train_clicks=5)))
