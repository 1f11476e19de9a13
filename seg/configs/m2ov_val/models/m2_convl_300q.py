# Shared evaluation model (EVAL.md §1): the training architecture without prompt queries, fusion with
# object_mask_thr=0.0, iou_thr=0.8, filter_low_score=True. Head weights come from `--checkpoint`
# (strict full-model load) or from `init_cfg` (head-only checkpoint, prefix `panoptic_head.`).
# Leaf configs set the vocabulary (classes + text-embedding bank) and the fusion switches.
_base_ = ['../../_base_/models/omg_convl.py']

model = dict(
    panoptic_head=dict(enable_box_query=False),
    test_cfg=dict(
        panoptic_on=True,
        semantic_on=False,
        instance_on=True,
        max_per_image=100,
        iou_thr=0.8,
        filter_low_score=True,
        object_mask_thr=0.0))
