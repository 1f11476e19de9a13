# omg_toy_interactive_davis.py for the one-click baseline (omg_toy_interactive_oneclick.py): the published
# weights' prompt encoding.
_base_ = ['./omg_toy_interactive_davis.py']

model = dict(panoptic_head=dict(prompt_encoder=dict(_delete_=True, type='PromptQueryGenerator')))
