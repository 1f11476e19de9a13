# Baseline of omg_toy_interactive_clicks.py: the same recipe with the published weights' prompt encoding (one
# click or one box per prompt query, no corrective clicks in training), evaluated with one click per
# segment (NoC counts 20 for every segment the first click does not bring to the IoU).
_base_ = ['./omg_toy_interactive_clicks.py']

model = dict(
    eval_clicks=1,
    panoptic_head=dict(prompt_encoder=dict(_delete_=True, type='PromptQueryGenerator')))
