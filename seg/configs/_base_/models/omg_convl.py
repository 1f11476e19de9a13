# OMG-Seg model: frozen CLIP ConvNeXt-L (convnext_large_d_320, laion2b_s29b_b131k_ft_soup) + Mask2Former
# decoder (300 queries, 9 layers) + CLIP text classifier + objectness branch (MODEL.md).
# Leaf configs set the vocabulary: num_things_classes, num_stuff_classes, classifier bank_name.
# Build offline with random CLIP weights: --cfg-options model.backbone.pretrained=None
# Only `model` is a top-level key (`__name` variables are private to this file), so this file combines
# with dataset/schedule/runtime bases without duplicate keys.
__NO_OBJ = 65535
__num_things_classes = 80
__num_stuff_classes = 53
__num_classes = __num_things_classes + __num_stuff_classes
__clip_model_name = 'convnext_large_d_320'

__data_preprocessor = dict(
    type='VideoSegDataPreprocessor',
    mean=[123.675, 116.28, 103.53],  # ImageNet statistics: what the published checkpoints expect
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_size_divisor=32,
    pad_mask=True,
    mask_pad_value=0,
    pad_seg=True,
    seg_pad_value=__NO_OBJ)

model = dict(
    type='OMGSeg',
    data_preprocessor=__data_preprocessor,
    backbone=dict(
        type='OpenCLIPBackbone',
        model_name=__clip_model_name,
        pretrained='laion2b_s29b_b131k_ft_soup',  # None: random init, no download (weights from a full checkpoint)
        fix=True,
        init_cfg=None),
    panoptic_head=dict(
        type='OMGSegHead',
        in_channels=None,  # taken from the backbone's feature_info
        text_embed_dims=None,  # taken from the backbone's CLIP embedding width
        feat_channels=256,
        out_channels=256,
        num_things_classes=__num_things_classes,
        num_stuff_classes=__num_stuff_classes,
        num_queries=300,
        num_transformer_feat_level=3,
        enable_box_query=False,
        classifier=dict(
            type='CLIPTextClassifier',
            bank_name=__clip_model_name + '_CocoPanopticOVDataset',
            embeddings_dir='data/embeddings'),
        pixel_decoder=dict(
            type='MSDeformAttnPixelDecoder',
            num_outs=3,
            norm_cfg=dict(type='GN', num_groups=32),
            act_cfg=dict(type='ReLU'),
            encoder=dict(
                num_layers=6,
                layer_cfg=dict(
                    self_attn_cfg=dict(
                        embed_dims=256, num_heads=8, num_levels=3, num_points=4, dropout=0.0,
                        batch_first=True),
                    ffn_cfg=dict(
                        embed_dims=256, feedforward_channels=1024, num_fcs=2, ffn_drop=0.0,
                        act_cfg=dict(type='ReLU', inplace=True)))),
            positional_encoding=dict(num_feats=128, normalize=True)),
        enforce_decoder_input_project=False,
        positional_encoding=dict(num_feats=128, normalize=True),
        transformer_decoder=dict(
            return_intermediate=True,
            num_layers=9,
            layer_cfg=dict(
                self_attn_cfg=dict(embed_dims=256, num_heads=8, dropout=0.0, batch_first=True),
                cross_attn_cfg=dict(embed_dims=256, num_heads=8, dropout=0.0, batch_first=True),
                ffn_cfg=dict(
                    embed_dims=256, feedforward_channels=2048, num_fcs=2, ffn_drop=0.0,
                    act_cfg=dict(type='ReLU', inplace=True))),
            init_cfg=None),
        loss_cls=dict(
            type='CrossEntropyLoss',
            use_sigmoid=False,
            loss_weight=2.0,
            reduction='mean',
            class_weight=[1.0] * __num_classes + [0.1]),
        loss_mask=dict(type='CrossEntropyLoss', use_sigmoid=True, reduction='mean', loss_weight=5.0),
        loss_dice=dict(
            type='DiceLoss', use_sigmoid=True, activate=True, reduction='mean', naive_dice=True, eps=1.0,
            loss_weight=5.0),
        loss_objectness=dict(type='FocalLoss', use_sigmoid=True, gamma=2.0, alpha=0.25, loss_weight=2.0),
        init_cfg=None),
    panoptic_fusion_head=dict(type='OMGFusionHead', loss_panoptic=None, init_cfg=None),
    train_cfg=dict(
        num_points=12544,
        oversample_ratio=3.0,
        importance_sample_ratio=0.75,
        assigner=dict(
            type='HungarianAssigner',
            match_costs=[
                dict(type='ClassificationCost', weight=2.0),
                dict(type='CrossEntropyLossCost', weight=5.0, use_sigmoid=True),
                dict(type='DiceCost', weight=5.0, pred_act=True, eps=1.0)
            ]),
        sampler=dict(type='MaskPseudoSampler')),
    test_cfg=dict(
        panoptic_on=True,
        semantic_on=False,
        instance_on=True,
        max_per_image=100,
        iou_thr=0.8,
        filter_low_score=True,
        object_mask_thr=0.8),
    init_cfg=None)
