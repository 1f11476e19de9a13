# Tiny OMG-Seg for CPU tests and the toy data: the contract's tiny CLIP (ext/open_clip/
# omgseg_tiny_convnext.json, random weights, text tower kept for gen_cls), 20 queries, 64 channels,
# 3 decoder layers, 2 encoder layers, few sampled points.
_base_ = ['./omg_convl.py']

__num_things_classes = 8
__num_stuff_classes = 4
__num_classes = __num_things_classes + __num_stuff_classes
__clip_model_name = 'omgseg_tiny_convnext'
__feat_channels = 64

model = dict(
    backbone=dict(model_name=__clip_model_name, pretrained=None, keep_text_tower=True),
    panoptic_head=dict(
        feat_channels=__feat_channels,
        out_channels=__feat_channels,
        num_things_classes=__num_things_classes,
        num_stuff_classes=__num_stuff_classes,
        num_queries=20,
        classifier=dict(bank_name=__clip_model_name + '_ToyCocoPanopticDataset'),
        pixel_decoder=dict(
            encoder=dict(
                num_layers=2,
                layer_cfg=dict(
                    self_attn_cfg=dict(embed_dims=__feat_channels, num_heads=4),
                    ffn_cfg=dict(embed_dims=__feat_channels, feedforward_channels=128))),
            positional_encoding=dict(num_feats=__feat_channels // 2)),
        positional_encoding=dict(num_feats=__feat_channels // 2),
        transformer_decoder=dict(
            num_layers=3,
            layer_cfg=dict(
                self_attn_cfg=dict(embed_dims=__feat_channels, num_heads=4),
                cross_attn_cfg=dict(embed_dims=__feat_channels, num_heads=4),
                ffn_cfg=dict(embed_dims=__feat_channels, feedforward_channels=128))),
        loss_cls=dict(class_weight=[1.0] * __num_classes + [0.1])),
    train_cfg=dict(num_points=1024))
