"""OMG-Seg query decoder head: Mask2Former decoder + CLIP-text classifier + objectness branch."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from mmdet.models.dense_heads import Mask2FormerHead
from mmdet.models.layers import SinePositionalEncoding3D
from mmdet.models.utils import multi_apply
from mmdet.registry import MODELS
from mmdet.structures import SampleList
from mmdet.utils import ConfigType, OptConfigType, OptMultiConfig, reduce_mean
from mmengine.config import ConfigDict
from mmengine.structures import InstanceData
from torch import Tensor, nn

from ..utils import mask_pool, mlp
from .clip_layout import frames_to_strip, samples_num_frames
from .mask_losses import point_sampled_mask_losses
from .outputs import DecoderQueries, HeadOutputs, HeadPrediction, PixelFeatures
from .prompt_query_mixin import PromptQueryMixin

PROMPT_POS_DIMS = 512  # sine code of (cy, cx, w, h): 4 x 128


@MODELS.register_module()
class OMGSegHead(PromptQueryMixin, Mask2FormerHead):
    """Mask2Former head whose queries are classified by CLIP text embeddings.

    Differences to mmdet's ``Mask2FormerHead``: class logits come from ``classifier`` applied to
    ``cls_proj(mask_pooling_proj(mask_pool(mask_features)) + query)``; an objectness logit per query
    (``iou_embed``); 3-D sine positional encoding of the pixel tokens (so clips and images share it);
    optional prompt-query parameters (``enable_box_query``); named outputs (:class:`HeadOutputs`).

    Args:
        classifier: config of the query classifier (``CLIPTextClassifier``); ``num_classes`` and
            ``embed_dims`` default to this head's classes and ``text_embed_dims``.
        text_embed_dims: CLIP embedding width D (``cls_proj`` output); the detector fills it in from
            the backbone when absent.
        enable_box_query: create the prompt-query parameters (point/box prompts, interactive mode).
        prompt_encoder: config of the prompt -> query encoder (``PromptQueryGenerator``; switches for the
            published weights' click encoding and coordinate normalisation).
        prompt_sampler: config of the ``PromptSampler`` drawing prompts from GT masks ('sam' batches).
        loss_objectness: config of the objectness loss (sigmoid focal loss, target 0 = matched).
        Other arguments: as mmdet's ``Mask2FormerHead``.
    """

    # every train_cfg key mmdet's Mask2FormerHead reads (this head adds none); load_config refuses others
    train_cfg_keys = ('assigner', 'sampler', 'num_points', 'oversample_ratio', 'importance_sample_ratio')
    # inference only: compute the last prediction set alone (the earlier layers' attention masks at their
    # own size); set by ``InferenceModes(lean_decoder=True)``, ignored in training
    lean_decoder = False

    def __init__(self, *, in_channels: list[int], feat_channels: int = 256, out_channels: int = 256,
                 num_things_classes: int, num_stuff_classes: int, num_queries: int = 300,
                 num_transformer_feat_level: int = 3, pixel_decoder: ConfigType,
                 transformer_decoder: ConfigType, positional_encoding: ConfigType = dict(
                     num_feats=128, normalize=True),
                 enforce_decoder_input_project: bool = False, classifier: ConfigType,
                 text_embed_dims: int | None = None, enable_box_query: bool = False,
                 prompt_encoder: ConfigType = dict(type='PromptQueryGenerator'),
                 prompt_sampler: ConfigType = dict(type='PromptSampler'),
                 loss_cls: ConfigType, loss_mask: ConfigType, loss_dice: ConfigType,
                 loss_objectness: ConfigType = dict(
                     type='FocalLoss', use_sigmoid=True, gamma=2.0, alpha=0.25, loss_weight=2.0),
                 train_cfg: OptConfigType = None, test_cfg: OptConfigType = None,
                 init_cfg: OptMultiConfig = None, **kwargs) -> None:
        super().__init__(
            in_channels=in_channels, feat_channels=feat_channels, out_channels=out_channels,
            num_things_classes=num_things_classes, num_stuff_classes=num_stuff_classes,
            num_queries=num_queries, num_transformer_feat_level=num_transformer_feat_level,
            pixel_decoder=ConfigDict(pixel_decoder), transformer_decoder=ConfigDict(transformer_decoder),
            positional_encoding=positional_encoding,
            enforce_decoder_input_project=enforce_decoder_input_project,
            loss_cls=ConfigDict(loss_cls), loss_mask=loss_mask, loss_dice=loss_dice,
            train_cfg=train_cfg, test_cfg=test_cfg, init_cfg=init_cfg, **kwargs)
        del self.cls_embed  # replaced by the text classifier (a non-persistent bank, no weights)
        self.decoder_positional_encoding = SinePositionalEncoding3D(**positional_encoding)
        classifier = ConfigDict(classifier)
        classifier.setdefault('num_classes', self.num_classes)
        if text_embed_dims is not None:
            classifier.setdefault('embed_dims', text_embed_dims)
        self.text_embed_dims = classifier.get('embed_dims')
        if self.text_embed_dims is None:
            raise ValueError('OMGSegHead needs `text_embed_dims` (or classifier.embed_dims): the CLIP '
                             'embedding width, e.g. 768 for convnext_large_d_320.')
        # creation order = state_dict order of the published checkpoints
        self.iou_embed = mlp(feat_channels, feat_channels, 1)
        self.cls_proj = mlp(feat_channels, feat_channels, self.text_embed_dims)
        self.mask_pooling_proj = nn.Sequential(
            nn.LayerNorm(feat_channels), nn.Linear(feat_channels, feat_channels))
        self.enable_box_query = enable_box_query
        if enable_box_query:
            self._init_prompt_embeddings(feat_channels)
            self._init_prompt_generators(prompt_encoder, prompt_sampler, feat_channels)
        self.classifier = MODELS.build(classifier)
        self.loss_objectness = MODELS.build(loss_objectness)

    def _init_prompt_embeddings(self, feat_channels: int) -> None:
        """Parameters of prompt (point/box) queries: mask token, box/point type embedding, position MLP."""
        self.mask_tokens = nn.Embedding(1, feat_channels)
        self.pb_embedding = nn.Embedding(2, feat_channels)  # row 0 = box, row 1 = point
        self.pos_linear = nn.Linear(PROMPT_POS_DIMS, feat_channels)

    def prompt_tensor_shapes(self) -> dict[str, tuple[int, ...]]:
        """state_dict names and shapes of the prompt-query tensors (whether or not this head has them)."""
        channels = self.query_feat.embedding_dim
        return {'mask_tokens.weight': (1, channels), 'pb_embedding.weight': (2, channels),
                'pos_linear.weight': (channels, PROMPT_POS_DIMS), 'pos_linear.bias': (channels,)}

    def unused_checkpoint_tensors(self) -> dict[str, tuple[int, ...]]:
        """Checkpoint tensors this head may leave unused: the prompt tensors when built without prompts
        (the published checkpoints were trained with prompt queries; see ``load_checked``)."""
        return {} if self.enable_box_query else self.prompt_tensor_shapes()

    def init_weights(self) -> None:
        """mmdet's initialisation; then, with ``init_cfg=dict(type='Pretrained', checkpoint=PATH,
        prefix='panoptic_head.')``, this head's weights from ``PATH`` (keys under ``prefix``), checked as
        strictly as ``--checkpoint`` (mmdet's head ignores ``init_cfg``)."""
        super().init_weights()
        cfg = self.init_cfg
        if not isinstance(cfg, dict) or cfg.get('type') != 'Pretrained':
            if cfg:
                raise ValueError(f'OMGSegHead supports only init_cfg=dict(type="Pretrained", ...), got {cfg}')
            return
        from mmengine.logging import print_log

        from ..utils.checkpoint import load_checked, read_state_dict
        prefix = cfg.get('prefix', 'panoptic_head.')
        state = {key[len(prefix):]: value for key, value in read_state_dict(cfg['checkpoint']).items()
                 if key.startswith(prefix)}
        if not state:
            raise ValueError(f'panoptic_head.init_cfg: {cfg["checkpoint"]} has no keys under prefix '
                             f'{prefix!r}')
        report = load_checked(self, state, optional_prefixes=(), source=f'{cfg["checkpoint"]} ({prefix}*)',
                              log=lambda line: print_log(line, logger='current'),
                              hint='Fix panoptic_head.init_cfg (checkpoint, prefix) or use --checkpoint.')
        print_log(f'panoptic_head: loaded {len(state) - len(report.unused)} tensors from {cfg["checkpoint"]}',
                  logger='current')

    # ------------------------------------------------------------------ queries
    def object_queries(self, batch_size: int) -> DecoderQueries:
        """The learned object queries, repeated over the batch: content/pos (B, Q, C)."""
        content = self.query_feat.weight.unsqueeze(0).expand(batch_size, -1, -1)
        pos = self.query_embed.weight.unsqueeze(0).expand(batch_size, -1, -1)
        return DecoderQueries(content, pos, None)

    def make_queries(self, batch_size: int, batch_data_samples: SampleList,
                     mask_features: Tensor | None = None) -> DecoderQueries:
        """Object queries, or prompt queries when the batch carries prompts (``mask_features`` (B, C, h, w):
        for an encoder that refines from a previous mask)."""
        if self.uses_prompts(batch_data_samples):
            return self.prompt_queries(batch_data_samples, mask_features)
        return self.object_queries(batch_size)

    # ------------------------------------------------------------------ forward
    def _pixel_tokens(self, memories: list[Tensor],
                      num_frames: int = 1) -> tuple[list[Tensor], list[Tensor]]:
        """Flatten each memory level (B, C, T*h, w) (clips as film strips, T = 1 for images) to tokens
        (B, T*h*w, C) in (t, y, x) order + level embedding, with 3-D sine positional codes."""
        tokens, positions = [], []
        for level, memory in enumerate(memories):
            projected = self.decoder_input_projs[level](memory)
            tokens.append(projected.flatten(2).transpose(1, 2) + self.level_embed.weight[level])
            batch, _, height, width = memory.shape
            pad = memory.new_zeros((batch, num_frames, height // num_frames, width), dtype=torch.bool)
            pos = self.decoder_positional_encoding(pad)  # (B, T, C, h, w)
            positions.append(pos.permute(0, 1, 3, 4, 2).flatten(1, 3).to(projected.dtype))
        return tokens, positions

    def _attention_mask(self, mask_logits: Tensor, target_size: tuple[int, int]) -> Tensor:
        """Cross-attention mask (B * heads, Q, h*w), True = blocked where sigmoid(mask) < 0.5."""
        resized = F.interpolate(mask_logits, target_size, mode='bilinear', align_corners=False)
        return self._blocked(resized)

    def _blocked(self, logits: Tensor) -> Tensor:
        """Mask logits (B, Q, h, w) at the attention size -> blocked positions (B * heads, Q, h*w)."""
        attn_mask = logits.flatten(2).unsqueeze(1).repeat(1, self.num_heads, 1, 1).flatten(0, 1)
        return (attn_mask.sigmoid() < 0.5).detach()

    def _lean_attention_mask(self, decoder_out: Tensor, level_features: Tensor) -> Tensor:
        """The next attention mask only, from the mask features resampled to the attention size.

        Bilinear resampling is linear per channel, so this equals ``_forward_head``'s mask (dot product at
        1/4 resolution, then resampled) up to rounding, at a fraction of the cost.
        """
        query = self.transformer_decoder.post_norm(decoder_out)
        return self._blocked(torch.einsum('bqc,bchw->bqhw', self.mask_embed(query), level_features))

    def _forward_head(self, decoder_out: Tensor, mask_feature: Tensor,
                      attn_mask_target_size: tuple[int, int]) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        """Predict (cls (B,Q,N+1), masks (B,Q,h,w), objectness (B,Q), next attention mask)."""
        query = self.transformer_decoder.post_norm(decoder_out)
        mask_logits = torch.einsum('bqc,bchw->bqhw', self.mask_embed(query), mask_feature)
        pooled = self.mask_pooling_proj(mask_pool(mask_feature, mask_logits.detach()))
        cls_logits = self.classifier(self.cls_proj(pooled + query))
        objectness = self.iou_embed(query).squeeze(-1)
        attn_mask = self._attention_mask(mask_logits, attn_mask_target_size)
        return cls_logits, mask_logits, objectness, attn_mask

    def encode(self, x: list[Tensor]) -> PixelFeatures:
        """Pixel decoder on multi-scale backbone features ``x``: what every query decoding reuses.

        The features are made contiguous first: the pixel decoder's results depend on the memory layout at
        the 1e-6 level (enough to flip attention-mask pixels), and contiguous inputs match the reference
        bit for bit.
        """
        mask_features, memories = self.pixel_decoder([feat.contiguous() for feat in x])
        return PixelFeatures(mask_features, tuple(memories))

    def forward(self, x: list[Tensor] | PixelFeatures, batch_data_samples: SampleList) -> HeadOutputs:
        """Query decoder on backbone features ``x`` (pixel decoder run first) or on their
        :meth:`encode` result."""
        return self.decode(x if isinstance(x, PixelFeatures) else self.encode(x), batch_data_samples)

    def decode(self, pixels: PixelFeatures, batch_data_samples: SampleList) -> HeadOutputs:
        """Masked-attention decoder of the batch's queries (object or prompt queries) on ``pixels``."""
        mask_features, memories = pixels
        num_frames = samples_num_frames(batch_data_samples)  # clips: frames folded into the batch
        mask_features = frames_to_strip(mask_features, num_frames)
        memories = [frames_to_strip(memory, num_frames) for memory in memories]
        tokens, positions = self._pixel_tokens(memories, num_frames)
        queries = self.make_queries(mask_features.shape[0], batch_data_samples, mask_features)
        query = queries.content
        lean = self.lean_decoder and not self.training  # earlier layers: attention masks only
        level_features = [F.interpolate(mask_features, memory.shape[-2:], mode='bilinear',
                                        align_corners=False) for memory in memories] if lean else None
        outputs: tuple[list[Tensor], ...] = ([], [], [])
        num_layers = len(self.transformer_decoder.layers)
        attn_mask = torch.empty(0)
        for i in range(num_layers + 1):  # prediction set i: of the initial queries (0), after layer i
            if i > 0:
                level = (i - 1) % self.num_transformer_feat_level
                attn_mask[attn_mask.all(dim=-1)] = False  # never block a query completely
                query = self.transformer_decoder.layers[i - 1](
                    query=query, key=tokens[level], value=tokens[level], query_pos=queries.pos,
                    key_pos=positions[level], cross_attn_mask=attn_mask,
                    self_attn_mask=queries.self_attn_mask, key_padding_mask=None)
            next_level = i % self.num_transformer_feat_level
            if lean and i < num_layers:
                attn_mask = self._lean_attention_mask(query, level_features[next_level])
                continue
            cls_logits, mask_logits, objectness, attn_mask = self._forward_head(
                query, mask_features, memories[next_level].shape[-2:])
            for output, value in zip(outputs, (cls_logits, mask_logits, objectness)):
                output.append(value)
        return HeadOutputs(*outputs, query_embeds=query)

    # ------------------------------------------------------------------ training
    def _get_targets_single(self, cls_score: Tensor, mask_pred: Tensor, gt_instances: InstanceData,
                            img_meta: dict) -> tuple:
        """Hungarian matching in fp32 with autocast off (costs are numerically sensitive)."""
        with torch.autocast(device_type=cls_score.device.type, enabled=False):
            return super()._get_targets_single(
                cls_score.detach().float(), mask_pred.detach().float(), gt_instances, img_meta)

    def loss(self, x: tuple[Tensor] | PixelFeatures, batch_data_samples: SampleList) -> dict[str, Tensor]:
        """Forward and compute the losses of every prediction set against the batch's ground truth."""
        if self.uses_prompts(batch_data_samples):  # 'sam' batch: prompts supervised by their own GT
            return dict(self.loss_prompts(x, batch_data_samples), loss_zero=self.unused_parameters_zero())
        batch_img_metas = [sample.metainfo for sample in batch_data_samples]
        batch_gt_instances = [sample.gt_instances for sample in batch_data_samples]
        batch_gt_sem_segs = [sample.get('gt_sem_seg') for sample in batch_data_samples]
        outputs = self(x, batch_data_samples)
        batch_gt_instances = self.preprocess_gt(batch_gt_instances, batch_gt_sem_segs)
        losses = self.loss_by_feat(outputs.cls_logits, outputs.mask_logits, outputs.objectness,
                                   batch_gt_instances, batch_img_metas)
        if self.enable_box_query:  # prompt parameters unused in this batch: keep them in the graph (DDP)
            losses['loss_zero'] = self.unused_parameters_zero()
        return losses

    def loss_by_feat(self, all_cls_scores: list[Tensor], all_mask_preds: list[Tensor],
                     all_objectness: list[Tensor], batch_gt_instances: list[InstanceData],
                     batch_img_metas: list[dict]) -> dict[str, Tensor]:
        """Deep supervision: losses of the last set as ``loss_*``, earlier ones as ``d{i}.loss_*``."""
        num_sets = len(all_cls_scores)
        per_set = multi_apply(self._loss_by_feat_single, all_cls_scores, all_mask_preds, all_objectness,
                              [batch_gt_instances] * num_sets, [batch_img_metas] * num_sets)
        names = ('loss_cls', 'loss_obj', 'loss_mask', 'loss_dice')
        loss_dict = {}
        for name, values in zip(names, per_set):
            loss_dict[name] = values[-1]
            for i, value in enumerate(values[:-1]):
                loss_dict[f'd{i}.{name}'] = value
        return loss_dict

    def _loss_by_feat_single(self, cls_scores: Tensor, mask_preds: Tensor, objectness: Tensor,
                             batch_gt_instances: list[InstanceData],
                             batch_img_metas: list[dict]) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        """(loss_cls, loss_obj, loss_mask, loss_dice) of one prediction set (B, Q, ...)."""
        num_imgs = cls_scores.size(0)
        labels_list, label_weights_list, mask_targets_list, mask_weights_list, avg_factor = \
            self.get_targets([cls_scores[i] for i in range(num_imgs)],
                             [mask_preds[i] for i in range(num_imgs)], batch_gt_instances, batch_img_metas)
        labels = torch.stack(labels_list).flatten()
        label_weights = torch.stack(label_weights_list).flatten()
        class_weight = cls_scores.new_tensor(self.class_weight, dtype=torch.float32)
        cls_avg = max(reduce_mean(class_weight[labels].sum()).item(), 1.0)
        loss_cls = self.loss_cls(cls_scores.flatten(0, 1).float(), labels, label_weights, avg_factor=cls_avg)
        matched = labels != self.num_classes
        loss_obj = self.loss_objectness(objectness.reshape(-1, 1).float(), (~matched).long(),
                                        label_weights, avg_factor=cls_avg)
        num_masks = max(reduce_mean(cls_scores.new_tensor([avg_factor], dtype=torch.float32)).item(), 1.0)
        mask_weights = torch.stack(mask_weights_list)
        loss_mask, loss_dice = point_sampled_mask_losses(
            mask_preds[mask_weights > 0].float(), torch.cat(mask_targets_list), num_masks,
            loss_mask=self.loss_mask, loss_dice=self.loss_dice, num_points=self.num_points,
            oversample_ratio=self.oversample_ratio, importance_sample_ratio=self.importance_sample_ratio)
        return loss_cls, loss_obj, loss_mask, loss_dice

    # ------------------------------------------------------------------ inference
    def predict(self, x: tuple[Tensor] | PixelFeatures, batch_data_samples: SampleList,
                upsample: bool = True) -> HeadPrediction:
        """Last prediction set, mask logits upsampled to the padded batch input size (or, with
        ``upsample=False``, at 1/4 of it: the fusion head upsamples them a chunk of queries at a time)."""
        outputs = self(x, batch_data_samples)
        input_size = batch_data_samples[0].metainfo['batch_input_shape']
        mask_logits = outputs.mask_logits[-1]
        if upsample:
            mask_logits = F.interpolate(mask_logits, size=tuple(input_size), mode='bilinear',
                                        align_corners=False)
        return HeadPrediction(outputs.cls_logits[-1], mask_logits, outputs.objectness[-1],
                              outputs.query_embeds)
