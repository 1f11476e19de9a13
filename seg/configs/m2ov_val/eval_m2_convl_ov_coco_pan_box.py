# COCO interactive segmentation with one box prompt per segment (its tight GT box), otherwise as the
# single-click config. Note: the published weights never saw real boxes in training (GAPS.md §3.7).
_base_ = ['./eval_m2_convl_ov_coco_pan_point.py']

model = dict(panoptic_head=dict(prompt_sampler=dict(eval_prompt_type='box')))
