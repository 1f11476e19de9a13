# DAVIS-17 semi-supervised VOS by prompting (not in the reference, GAPS.md §3.14): each object's mask in
# the previous frame becomes a box prompt for the next frame; ids are the first frame's. Needs the prompt
# parameters (a checkpoint trained with COCO-SAM prompts); the published weights need the reference's
# prompt-coordinate normalisation (canvas='img_shape').
_base_ = ['./eval_m2_convl_300q_ov_davis.py']

model = dict(
    vos_mode='prompt',
    prompt_kinds=('box',),
    panoptic_head=dict(
        enable_box_query=True,
        prompt_encoder=dict(type='PromptQueryGenerator', point_as_box=True, canvas='img_shape')))
