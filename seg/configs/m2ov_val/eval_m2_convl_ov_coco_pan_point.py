# COCO interactive segmentation, single click (EVAL.md §3.7): every non-crowd segment of val2017 panoptic
# (things and stuff) is prompted once, all segments of an image at once; metric = mIoU over all segments.
# The click is the distance-transform centre of the GT mask at the network input size. The published
# weights were trained with clicks as 6-px boxes (box embedding) normalised by the un-padded image size, so
# the prompt encoder uses both reference switches here (GAPS.md §3.6-3.7); models trained with this repo's
# defaults should drop them (point_as_box=False, canvas='batch_input_shape').
_base_ = [
    './models/m2_convl_300q.py',
    '../_base_/datasets/parts/coco_panoptic.py',
    '../_base_/default_runtime.py',
]

model = dict(
    type='OMGSegInteractive',
    prompts_only=True,  # every batch is a prompt batch (reference: inference_sam=True)
    panoptic_head=dict(
        num_things_classes=80,
        num_stuff_classes=53,
        enable_box_query=True,
        prompt_encoder=dict(type='PromptQueryGenerator', point_as_box=True, pseudo_box_size=6.0,
                            canvas='img_shape'),
        prompt_sampler=dict(type='PromptSampler', eval_prompt_type='point', eval_click='exact'),  # ref: reference
        classifier=dict(bank_name='convnext_large_d_320_CocoPanopticOVDataset'),  # loaded, not used
        loss_cls=dict(class_weight=[1.0] * 133 + [0.1])),
    test_cfg=dict(panoptic_on=False, semantic_on=False, instance_on=False))

train_dataloader = None
val_dataloader = None
test_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset={{_base_.coco_pan_sam_test}})
test_cfg = dict(type='TestLoop')
test_evaluator = dict(type='InteractiveIoUMetric')
