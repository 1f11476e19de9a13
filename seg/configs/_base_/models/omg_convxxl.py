# OMG-Seg with the frozen CLIP ConvNeXt-XXL (embed dim 1024, stage widths 384/768/1536/3072 read from the
# trunk). The pretrained tag is an assumption: the reference names no XXL config.
_base_ = ['./omg_convl.py']

model = dict(
    backbone=dict(model_name='convnext_xxlarge', pretrained='laion2b_s34b_b82k_augreg_soup'),
    panoptic_head=dict(classifier=dict(bank_name='convnext_xxlarge_CocoPanopticOVDataset')))
