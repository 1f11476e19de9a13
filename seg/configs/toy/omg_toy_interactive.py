# Toy interactive segmentation: the tiny OMG-Seg trained on toy COCO-SAM prompts only (every non-crowd
# segment is a class-agnostic instance; 20 prompts per image drawn from the GT masks, half clicks, half
# boxes), then evaluated with one centre click per segment on the toy COCO val split (mIoU).
# Classes are not used by prompts, so the classifier has a placeholder bank (no gen_cls needed): class names
# of its predictions are meaningless. It trains slowly (prompts only, 0.1-2.0 scale jitter): its masks are
# still nearly empty after 120 iterations, through the evaluation as through the predictor API; see
# docs/INTERACTIVE.md for the numbers and for the recipe that co-trains prompts and object queries.
_base_ = [
    '../_base_/models/omg_toy.py',
    '../_base_/datasets/parts/toy.py',
    '../_base_/schedules/schedule_toy_600it.py',
]

model = dict(
    type='OMGSegInteractive',
    prompts_only=True,
    panoptic_head=dict(
        enable_box_query=True,
        prompt_encoder=dict(type='PromptQueryGenerator'),
        prompt_sampler=dict(type='PromptSampler', num_prompts=20, box_prob=0.5, eval_prompt_type='point'),
        classifier=dict(bank_name=None, placeholder_bank=True)),
    test_cfg=dict(panoptic_on=False, semantic_on=False, instance_on=False))

train_dataloader = dict(
    batch_size=1,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset={{_base_.toy_coco_pan_sam_train}})
test_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='CocoPanopticSAMDataset',
        data_root='data/toy/coco/',
        ann_file='annotations/panoptic_val2017.json',
        data_prefix=dict(img='val2017/', seg='annotations/panoptic_val2017/'),
        test_mode=True,
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale={{_base_.toy_scale}}, keep_ratio=True),
            dict(type='LoadPanopticAnnotationsHB', with_bbox=True, with_mask=True, with_seg=True),
            dict(type='PackDetInputs',
                 meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
        ]))
test_evaluator = dict(type='InteractiveIoUMetric')
env_cfg = dict(dist_cfg=dict(backend='gloo'))
