# Toy click sets that refine from the previous mask (docs/INTERACTIVE.md): omg_toy_interactive_clicks.py with
# ClickSetPromptEncoder(mask_feedback=True): each simulated training round's mask logits are fed to the next
# round's query (features pooled under the mask), and so are the evaluation's (and the API's mask_input).
_base_ = ['./omg_toy_interactive_clicks.py']

model = dict(panoptic_head=dict(prompt_encoder=dict(mask_feedback=True)))
