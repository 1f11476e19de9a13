# Toy click sets that refine from the previous mask and see the clicked pixels (docs/INTERACTIVE.md, the CPU
# recipe): omg_toy_interactive_clicks_refine.py with ClickSetPromptEncoder(click_features=True): the pixel-decoder
# features at the positive clicks and at the negative clicks (means, each projected by its own layer) join the
# query. Training draws 1-10 clicks per prompt (0-9 simulated corrective clicks) instead of 1-5.
_base_ = ['./omg_toy_interactive_clicks_refine.py']

model = dict(panoptic_head=dict(prompt_encoder=dict(click_features=True, max_train_clicks=10)))
