# Toy interactive segmentation with click sets, co-trained with the object queries (docs/INTERACTIVE.md).
# The tiny OMG-Seg of omg_toy_coco_panoptic.py, trained on two kinds of batch (one dataset per batch): toy COCO
# panoptic (object queries, 'coco') and the same images as class-agnostic segments ('sam'): 10 prompts per
# image, each a click inside the object or (25 %) its box, plus 0-4 simulated corrective clicks placed
# in the largest error region of the model's current answer (ClickSetPromptEncoder). Evaluated on toy COCO
# val by click simulation (20 clicks per segment: mIoU@1/3/5, NoC@85/90) and one box per segment.
# Text bank: python tools/gen_cls.py seg/configs/toy/omg_toy_interactive_clicks.py
_base_ = ['./omg_toy_coco_panoptic.py']

model = dict(
    type='OMGSegInteractive',
    prompts_only=True,  # untagged (test) batches are prompt batches; training batches carry their tag
    eval_clicks=20,
    panoptic_head=dict(
        enable_box_query=True,
        prompt_encoder=dict(type='ClickSetPromptEncoder', max_train_clicks=5),
        prompt_sampler=dict(type='PromptSampler', num_prompts=10, box_prob=0.25, eval_prompt_type='point')))

__coco = dict(data_root='data/toy/coco/', ann_file='annotations/panoptic_train2017.json',
              data_prefix=dict(img='train2017/', seg='annotations/panoptic_train2017/'),
              filter_cfg=dict(filter_empty_gt=True, min_size=32))
__pan_train = dict(type='CocoPanopticOVDataset', pipeline={{_base_.train_dataloader.dataset.pipeline}}, **__coco)
__sam_train = dict(type='CocoPanopticSAMDataset', pipeline={{_base_.train_dataloader.dataset.pipeline}}, **__coco)
train_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='MultiDatasetSampler', ratios=[1, 1], num_samples=100),
    batch_sampler=dict(type='GroupedBatchSampler'),
    dataset=dict(type='ConcatOVDataset', data_tag=['coco', 'sam'], datasets=[__pan_train, __sam_train]))
test_dataloader = dict(
    _delete_=True,
    batch_size=1,  # click simulation is per image; one image per batch = exactly the predictor API's input
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
        pipeline={{_base_.toy_image_test_pipeline}}))
test_evaluator = dict(_delete_=True, type='InteractiveIoUMetric')
