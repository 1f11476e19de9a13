"""OMG-Seg image detector: frozen CLIP backbone + OMG-Seg head + fusion head."""
from __future__ import annotations

from collections.abc import Sequence

import torch
from mmdet.models.detectors import Mask2Former
from mmdet.models.detectors.base import BaseDetector
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample, SampleList
from mmdet.utils import ConfigType, OptConfigType, OptMultiConfig
from mmengine.config import ConfigDict
from mmengine.structures import InstanceData
from torch import Tensor

from ..classifiers import TextVocabulary
from ..data_preprocessors import split_padded_batch
from ..heads.outputs import HeadOutputs, HeadPrediction
from ..heads.query_masks import resample_through
from ..utils import ensemble_open_vocab_logits, mask_pool
from ..utils.inference_modes import InferenceModes  # inference-modes hook
from .image_features import ImageFeatures


@MODELS.register_module()
class OMGSeg(Mask2Former):
    """Mask2Former-style detector whose head widths are taken from the CLIP backbone.

    The head's ``in_channels`` and ``text_embed_dims`` default to the backbone's stage widths and CLIP
    embedding width. With ``seen_classes`` set (one bool per class: in the training vocabulary?),
    inference re-scores classes with mask-pooled CLIP features (``ov_alpha`` for seen, ``ov_beta`` for
    unseen classes). ``batch_invariant`` (default): test predictions do not depend on batch composition.
    ``inference_modes``: how ``predict`` runs the network (:class:`InferenceModes`: bf16 / fp16 autocast,
    channels_last, torch.compile, inference_mode); None = fp32 eager, the exact-parity reference.
    """

    def __init__(self, *, backbone: ConfigType, panoptic_head: ConfigType,
                 panoptic_fusion_head: ConfigType, train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None, data_preprocessor: OptConfigType = None,
                 seen_classes: Sequence[bool] | None = None, ov_alpha: float = 0.4, ov_beta: float = 0.8,
                 batch_invariant: bool = True, inference_modes: dict | None = None,
                 init_cfg: OptMultiConfig = None) -> None:
        if isinstance(init_cfg, dict) and init_cfg.get('type') == 'Pretrained' and init_cfg.get('prefix'):
            raise ValueError('model.init_cfg with a prefix strips the detector-level keys, so nothing would '
                             'load; use panoptic_head.init_cfg=dict(type="Pretrained", checkpoint=..., '
                             'prefix="panoptic_head.") or tools/test.py --checkpoint')
        BaseDetector.__init__(self, data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.panoptic_head = MODELS.build(self._head_config(panoptic_head, train_cfg, test_cfg))
        fusion_cfg = self._fusion_config(panoptic_fusion_head)
        fusion_cfg.update(test_cfg=test_cfg)
        self.panoptic_fusion_head = MODELS.build(fusion_cfg)
        self.num_things_classes = self.panoptic_head.num_things_classes
        self.num_stuff_classes = self.panoptic_head.num_stuff_classes
        self.num_classes = self.panoptic_head.num_classes
        self.train_cfg = train_cfg
        self.test_cfg = test_cfg
        self.ov_alpha = ov_alpha
        self.ov_beta = ov_beta
        self.batch_invariant = batch_invariant
        self.inference_modes = InferenceModes.build(inference_modes)  # inference-modes hook: bf16, compile...
        self.seen_classes: Tensor | None = None
        if seen_classes is not None:
            self.set_seen_classes(seen_classes)

    def _fusion_config(self, fusion_cfg: ConfigType) -> ConfigDict:
        """Fusion-head config; its thing/stuff split defaults to the head's. Setting only
        ``num_things_classes`` moves the boundary (the reference's Cityscapes 11/8 swap, GAPS.md §3.1)."""
        fusion_cfg = ConfigDict(fusion_cfg)
        num_classes = self.panoptic_head.num_classes
        fusion_cfg.setdefault('num_things_classes', self.panoptic_head.num_things_classes)
        fusion_cfg.setdefault('num_stuff_classes', num_classes - fusion_cfg.num_things_classes)
        if fusion_cfg.num_things_classes + fusion_cfg.num_stuff_classes != num_classes:
            raise ValueError(f'panoptic_fusion_head: {fusion_cfg.num_things_classes} things + '
                             f'{fusion_cfg.num_stuff_classes} stuff != the head\'s {num_classes} classes')
        return fusion_cfg

    def _head_config(self, head_cfg: ConfigType, train_cfg: OptConfigType,
                     test_cfg: OptConfigType) -> ConfigDict:
        """Head config completed with the backbone's widths and the train/test configs."""
        head_cfg = ConfigDict(head_cfg)
        backbone_widths = list(self.backbone.out_channels)
        if head_cfg.get('in_channels') is None:
            head_cfg.in_channels = backbone_widths
        elif list(head_cfg.in_channels) != backbone_widths:
            raise ValueError(f'panoptic_head.in_channels={list(head_cfg.in_channels)} does not match the '
                             f'backbone stage widths {backbone_widths}; drop it from the config.')
        if head_cfg.get('text_embed_dims') is None:
            head_cfg.text_embed_dims = self.backbone.embed_dim
        head_cfg.update(train_cfg=train_cfg, test_cfg=test_cfg)
        return head_cfg

    def set_seen_classes(self, seen_classes: Sequence[bool] | Tensor | None) -> None:
        """Enable (or, with None, disable) open-vocabulary re-scoring for this seen/unseen class split."""
        if seen_classes is None:
            self.seen_classes = None
            return
        seen = torch.as_tensor(seen_classes, dtype=torch.bool).flatten()
        if seen.numel() != self.num_classes:
            raise ValueError(f'seen_classes has {seen.numel()} entries, expected one per class '
                             f'({self.num_classes}).')
        self.seen_classes = seen

    def set_vocabulary(self, vocabulary: TextVocabulary) -> None:
        """Classify into ``vocabulary`` from now on: the classifier's bank and every module's class counts."""
        head, fusion = self.panoptic_head, self.panoptic_fusion_head
        head.classifier.num_classes = vocabulary.num_classes
        head.classifier.set_bank(vocabulary.bank, source=f'vocabulary of {vocabulary.num_classes} classes')
        for module in (self, head, fusion):
            module.num_classes = vocabulary.num_classes
            module.num_things_classes = vocabulary.num_things
            module.num_stuff_classes = vocabulary.num_classes - vocabulary.num_things
        self.set_seen_classes(vocabulary.seen_classes)

    # ------------------------------------------------------------------ encode once, decode many
    def encode(self, batch_inputs: Tensor, batch_data_samples: SampleList | None = None) -> ImageFeatures:
        """Backbone + pixel decoder of a batch (B, 3, H, W), reusable by any number of :meth:`decode` calls.

        The metas come from ``batch_data_samples``; without them the whole input is the image.
        """
        backbone = tuple(self.extract_feat(batch_inputs))
        if batch_data_samples is None:
            size = tuple(batch_inputs.shape[-2:])
            metas = [dict(img_shape=size, batch_input_shape=size, ori_shape=size)] * batch_inputs.shape[0]
        else:
            metas = [sample.metainfo for sample in batch_data_samples]
        return ImageFeatures(backbone, self.panoptic_head.encode(backbone), tuple(metas))

    def decode(self, features: ImageFeatures, prompts: Sequence[InstanceData] | None = None,
               vocabulary: TextVocabulary | None = None, *, data_samples: SampleList | None = None,
               upsample: bool = False) -> HeadPrediction:
        """Query decoder on encoded ``features``: object queries, or one query per prompt of ``prompts``
        (one prompt set per image, ``seg.models.query_generators.prompts``, input-frame pixels).

        ``vocabulary``: switch to it first (:meth:`set_vocabulary`; it stays). ``data_samples``: decode for
        these samples instead (training / evaluation: they may carry GT, prompts, a 'sam' data tag).
        Returns the last prediction set; ``cls_logits`` (B, Q, N+1) open-vocabulary re-scored when the model
        does that; mask logits at 1/4 input size, or at the padded input size with ``upsample``.
        """
        if vocabulary is not None:
            self.set_vocabulary(vocabulary)
        samples = data_samples if data_samples is not None else self.query_samples(features, prompts)
        prediction = self.panoptic_head.predict(features.pixels, samples, upsample=upsample)
        if self.seen_classes is None:
            return prediction
        input_size = features.metainfos[0]['batch_input_shape']
        cls_logits = self.open_vocab_logits(features.backbone, prediction, input_size)
        return prediction._replace(cls_logits=cls_logits)

    @staticmethod
    def query_samples(features: ImageFeatures, prompts: Sequence[InstanceData] | None = None) -> SampleList:
        """One data sample per encoded image (its meta), carrying that image's ``prompts`` if given."""
        samples = [DetDataSample(metainfo=meta) for meta in features.metainfos]
        if prompts is not None:
            if len(prompts) != len(samples):
                raise ValueError(f'decode got {len(prompts)} prompt sets for {len(samples)} encoded images')
            for sample, image_prompts in zip(samples, prompts):
                sample.prompts = image_prompts
        return samples

    def loss(self, batch_inputs: Tensor, batch_data_samples: SampleList) -> dict[str, Tensor]:
        """Losses of the head on the encoded batch."""
        features = self.encode(batch_inputs, batch_data_samples)
        return self.panoptic_head.loss(features.pixels, batch_data_samples)

    def open_vocab_logits(self, feats: Sequence[Tensor], prediction: HeadPrediction,
                          input_size: tuple[int, int] | None = None) -> Tensor:
        """Class log-probabilities (B, Q, N+1) ensembling the head with mask-pooled CLIP features.

        ``input_size``: the padded input size when the mask logits are at a lower resolution (they are
        upsampled to it, a chunk of queries at a time, before pooling).
        """
        clip_map = self.backbone.get_clip_feature(feats[-1])
        masks = resample_through(prediction.mask_logits, clip_map.shape[-2:], via=input_size)
        clip_embeds = self.backbone.forward_feat(mask_pool(clip_map, masks))
        clip_logits = self.panoptic_head.classifier(clip_embeds)
        valid = (masks > 0).flatten(2).any(-1)
        return ensemble_open_vocab_logits(prediction.cls_logits, clip_logits, valid, self.seen_classes,
                                          self.ov_alpha, self.ov_beta)

    def predict(self, batch_inputs: Tensor, batch_data_samples: SampleList,
                rescale: bool = True) -> SampleList:
        """Panoptic / instance / semantic predictions (per ``test_cfg``) added to the data samples.

        By default every image is predicted with its own padding only (``split_padded_batch``), so the
        results do not depend on which images share a batch (batch size, process count); set
        ``batch_invariant=False`` for the reference's batched inference (features of batch padding).
        """
        if self.batch_invariant and len(batch_data_samples) > 1:
            divisor = getattr(self.data_preprocessor, 'pad_size_divisor', 1)
            for inputs, samples in split_padded_batch(batch_inputs, batch_data_samples, divisor):
                self._predict_batch(inputs, samples, rescale)
            return batch_data_samples
        return self._predict_batch(batch_inputs, batch_data_samples, rescale)

    def _predict_batch(self, batch_inputs: Tensor, batch_data_samples: SampleList,
                       rescale: bool = True) -> SampleList:
        """Predictions for one padded batch, as it is."""
        modes = self.inference_modes  # inference-modes hook (seg/models/utils/inference_modes.py), 4 lines
        with modes.network(self, batch_inputs.device):
            features = self.encode(modes.inputs(batch_inputs), batch_data_samples)
            prediction = self.decode(features, data_samples=batch_data_samples)  # masks at 1/4 res
        prediction = modes.to_fp32(prediction)  # fusion runs in fp32
        results = self.panoptic_fusion_head.predict(
            prediction.cls_logits, prediction.mask_logits, batch_data_samples, rescale=rescale)
        return self.add_pred_to_datasample(batch_data_samples, results)

    def add_pred_to_datasample(self, data_samples: SampleList, results_list: list[dict]) -> SampleList:
        """Store ``pred_panoptic_seg``, ``pred_instances`` and ``pred_sem_seg`` in the samples."""
        fields = {'pan_results': 'pred_panoptic_seg', 'ins_results': 'pred_instances',
                  'sem_results': 'pred_sem_seg'}
        for data_sample, results in zip(data_samples, results_list):
            for key, value in results.items():
                setattr(data_sample, fields[key], value)
        return data_samples

    def _forward(self, batch_inputs: Tensor, batch_data_samples: SampleList) -> HeadOutputs:
        """Raw head outputs (every prediction set) without post-processing."""
        features = self.encode(batch_inputs, batch_data_samples)
        return self.panoptic_head.decode(features.pixels, batch_data_samples)
