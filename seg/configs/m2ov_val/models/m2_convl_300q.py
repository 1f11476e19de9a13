# Shared evaluation model (EVAL.md §1): the training architecture without prompt queries, fusion with
# object_mask_thr=0.0, iou_thr=0.8, filter_low_score=True. Weights come from `tools/test.py --checkpoint`
# (a full or a published head-only checkpoint, checked strictly; the published prompt tensors are reported
# unused), or, checked the same way, from the head's init_cfg in a leaf config (used when no --checkpoint):
#   model = dict(panoptic_head=dict(init_cfg=dict(type='Pretrained', checkpoint='models/omg_seg_convl.pth')))
#   (`prefix` defaults to 'panoptic_head.'; a prefixed init_cfg on `model` itself is refused).
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
