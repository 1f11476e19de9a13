# Toy click sets that refine from the previous mask and see the clicked pixels (docs/INTERACTIVE.md):
# omg_toy_interactive_clicks_refine.py with ClickSetPromptEncoder(click_features=True): the pixel-decoder features
# at the positive clicks and at the negative clicks (means, each projected by its own layer) join the query.
_base_ = ['./omg_toy_interactive_clicks_refine.py']

model = dict(panoptic_head=dict(prompt_encoder=dict(click_features=True)))
