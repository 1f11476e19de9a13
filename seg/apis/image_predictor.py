"""Image predictor: encode an image once, then answer panoptic / instance / semantic / prompt queries."""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch
from mmengine.structures import InstanceData
from torch import Tensor

from seg.models.detectors.image_features import ImageFeatures
from seg.models.heads.outputs import HeadPrediction
from seg.models.heads.query_masks import QueryMasks
from seg.models.query_generators import (
    ObjectPrompt,
    check_prompts,
    first_outside_frame,
    make_object_prompts,
    make_prompts,
    object_prompt_to_input,
    scale_to_input,
)

from .pipeline import ImageLike
from .predictor_base import PredictorBase
from .results import (
    Result,
    image_segment_scorer,
    instance_result,
    panoptic_result,
    prompt_result,
    semantic_result,
)


class ObjectPrediction(NamedTuple):
    """Object-query predictions of the current image: class logits (Q, N+1), mask logits at 1/4 input
    resolution with their chain to the original image size (brought there a chunk of queries at a time)."""

    cls_logits: Tensor
    mask_logits: QueryMasks


class ImagePredictor(PredictorBase):
    """OMG-Seg on single images, in the spirit of SAM's ``SamPredictor``.

    ``set_image`` runs the backbone and the pixel decoder once; every ``predict_*`` call then only runs
    the query decoder (panoptic, instance and semantic share one decoder run until the vocabulary
    changes). Images: numpy (H, W, 3) RGB (``image_format='BGR'`` for OpenCV arrays), PIL images or
    paths. Results are dicts of numpy arrays at the original image size (see ``seg/apis/results.py``).

    Example::

        predictor = ImagePredictor.from_pretrained('path/to/folder')  # or from_config(config, checkpoint)
        predictor.set_image(image)
        panoptic = predictor.predict_panoptic()          # panoptic_seg, segments_info, masks, ...
        predictor.set_classes(['cat', 'dog'], ['sky'])   # any class names
        instances = predictor.predict_instances(score_thr=0.5)
        clicks = predictor.predict_prompts(points=[[120, 80]])   # one object per click
        sam_like = predictor.predict(point_coords=[[120, 80], [10, 10]], point_labels=[1, 0])
        objects = predictor.predict_prompts(objects=[ObjectPrompt(points=[[120, 80]], box=[90, 60, 160, 99])])

    Several / negative clicks per object need a model trained with ``ClickSetPromptEncoder``
    (docs/INTERACTIVE.md); the published weights' encoding raises for them.
    """

    def __init__(self, model, cfg, *, cache_dir=None) -> None:
        super().__init__(model, cfg, cache_dir=cache_dir)
        self._features: ImageFeatures | None = None
        self._objects: ObjectPrediction | None = None

    # ------------------------------------------------------------------ image
    @torch.no_grad()
    def set_image(self, image: ImageLike, image_format: str = 'RGB') -> None:
        """Transform ``image`` and encode it (backbone + pixel decoder, ``model.encode``) once."""
        inputs, sample = self.prepare(image, image_format)
        modes = self.model.inference_modes  # bf16 / int8 / lean decoder ... as in the detector's predict
        self._features = modes.run(self.model, self.model.encode, modes.inputs(inputs), [sample])
        self._objects = None

    def reset_image(self) -> None:
        """Forget the current image and its features."""
        self._features = self._objects = None

    @property
    def is_image_set(self) -> bool:
        return self._features is not None

    @property
    def original_size(self) -> tuple[int, int]:
        """(H, W) of the current image."""
        return tuple(self._meta['ori_shape'][:2])

    def on_vocabulary_change(self) -> None:
        self._objects = None  # class logits depend on the vocabulary

    def _require_image(self) -> ImageFeatures:
        if self._features is None:
            raise RuntimeError('call set_image(image) before predicting')
        return self._features

    @property
    def _meta(self) -> dict:
        """Meta of the current image (sizes, scale factor)."""
        return self._require_image().metainfos[0]

    # ------------------------------------------------------------------ decoder
    @torch.no_grad()
    def _run_decoder(self, prompts: InstanceData | None = None, upsample: bool = True) -> HeadPrediction:
        """``model.decode`` of the current image (object queries, or one query per prompt): mask logits at
        the padded input size (1/4 of it without ``upsample``), class logits (B=1, Q, N+1)."""
        modes = self.model.inference_modes
        return modes.to_fp32(modes.run(self.model, self.model.decode, self._require_image(),
                                       None if prompts is None else [prompts], upsample=upsample))

    def _object_prediction(self) -> ObjectPrediction:
        """Predictions of the learned object queries (cached until the image or vocabulary changes)."""
        if self._objects is None:
            prediction = self._run_decoder(upsample=False)
            masks = QueryMasks.from_meta(prediction.mask_logits[0], self._meta, rescale=True)
            self._objects = ObjectPrediction(prediction.cls_logits[0], masks)
        return self._objects

    # ------------------------------------------------------------------ tasks
    @torch.no_grad()
    def predict_panoptic(self) -> Result:
        """Panoptic segmentation: ``panoptic_seg`` (H, W) int32 segment ids (0 = void), ``segments_info``,
        and per segment ``masks``, ``labels``, ``class_names``, ``scores``."""
        objects = self._object_prediction()
        pan_map = self.model.panoptic_fusion_head.panoptic_postprocess(*objects).sem_seg[0]
        return panoptic_result(pan_map, self.vocabulary, image_segment_scorer(*objects))

    @torch.no_grad()
    def predict_instances(self, score_thr: float = 0.3, max_instances: int | None = None) -> Result:
        """Thing instances with score >= ``score_thr`` (best first): ``masks``, ``labels``, ``class_names``,
        ``scores``, ``boxes`` (N, 4) xyxy; at most ``max_instances`` (default: the config's
        ``max_per_image``) candidates are considered."""
        objects = self._object_prediction()
        fusion = self.model.panoptic_fusion_head
        limit = max_instances or (fusion.test_cfg or {}).get('max_per_image', 100)
        with fusion.test_cfg_overrides(max_per_image=limit):
            instances = fusion.instance_postprocess(*objects, score_thr=score_thr)
        return instance_result(instances, self.vocabulary, score_thr, self.original_size)

    @torch.no_grad()
    def predict_semantic(self) -> Result:
        """Semantic segmentation: ``sem_seg`` (H, W) int64 labels, one mask per present class."""
        sem_map = self.model.panoptic_fusion_head.semantic_postprocess(*self._object_prediction()).sem_seg[0]
        return semantic_result(sem_map, self.vocabulary)

    @torch.no_grad()
    def predict_prompts(self, points=None, boxes=None, *, objects: Sequence[ObjectPrompt] | None = None,
                        mask_inputs=None, return_logits: bool = False) -> Result:
        """One mask per prompted object, with its class, in pixels of the original image.

        ``objects``: one :class:`ObjectPrompt` per object (any number of positive / negative clicks and at
        most one box each). Shorthand: ``points`` (P, 2) xy and/or ``boxes`` (M, 4) xyxy, each its own
        object (boxes first, then points). Results in object order: ``masks``, ``labels``, ``class_names``,
        ``class_scores`` (over the current vocabulary), ``scores`` (objectness), ``mask_scores``,
        ``boxes``, and with ``return_logits`` the mask ``logits`` (N, H, W) float32 and ``low_res_logits``
        (N, h, w) (1/4 of the padded network input, SAM's low-resolution logits).
        ``mask_inputs`` (N, h, w): the ``low_res_logits`` of a previous call, one per object, to refine from
        (a model built with ``ClickSetPromptEncoder(mask_feedback=True)``; others raise).
        A model whose prompt encoder takes one click or one box per object raises for more.
        """
        if not getattr(self.model.panoptic_head, 'enable_box_query', False):
            raise ValueError('this model has no prompt (point / box) queries: build it with '
                             'model.panoptic_head.enable_box_query=True and weights trained with prompts')
        meta = self._meta
        if objects is not None:
            if points is not None or boxes is not None:
                raise ValueError('predict_prompts takes objects= or points= / boxes=, not both')
            if not len(objects):
                raise ValueError('predict_prompts got an empty list of objects')
            prompts = make_object_prompts([self._object_to_input_frame(obj, meta) for obj in objects])
        else:
            points, boxes = self._to_input_frame(points, 2, meta), self._to_input_frame(boxes, 4, meta)
            if points is None and boxes is None:
                raise ValueError('predict_prompts needs objects=, or points (P, 2) and/or boxes (M, 4)')
            prompts = make_prompts(points=points, boxes=boxes)
        if mask_inputs is not None:
            prompts.mask_inputs = self._check_mask_inputs(mask_inputs, len(prompts))
        return self._prompt_result(prompts.to(self.device), return_logits)

    @torch.no_grad()
    def predict(self, point_coords=None, point_labels=None, box=None, mask_input=None,
                multimask_output: bool = False, return_logits: bool = False) -> Result:
        """SAM-style prompt of one object: clicks ``point_coords`` (K, 2) xy with ``point_labels`` (K,)
        (1 = object, 0 = background; default all 1) and/or one ``box`` (4,) xyxy, original-image pixels.
        Returns :meth:`predict_prompts`'s result for that object (N = 1), with its class.

        ``mask_input`` (1, h, w) or (h, w): SAM's low-resolution logits of a previous call (its
        ``low_res_logits``, returned with ``return_logits=True``), for a model built with
        ``ClickSetPromptEncoder(mask_feedback=True)``; pass all clicks so far with it. Other models raise
        for it. ``multimask_output=True`` is not available: the model gives one mask per prompt query.
        """
        if mask_input is not None and not self._takes_mask_inputs:
            raise ValueError('mask_input is not supported by this model (prompts are clicks and boxes); '
                             'to refine a mask pass all clicks so far, positive and negative, as one object')
        if multimask_output:
            raise ValueError('multimask_output=True is not available: this model predicts one mask per '
                             'prompt; call predict(..., multimask_output=False)')
        if point_coords is None and point_labels is not None:
            raise ValueError('point_labels given without point_coords')
        if point_coords is None and box is None:
            raise ValueError('predict needs point_coords (K, 2) and/or box (4,)')
        if mask_input is not None:
            mask_input = torch.as_tensor(np.asarray(mask_input, dtype=np.float32))
            mask_input = mask_input[None] if mask_input.dim() == 2 else mask_input
        return self.predict_prompts(objects=[ObjectPrompt(point_coords, point_labels, box)],
                                    mask_inputs=mask_input, return_logits=return_logits)

    @property
    def _takes_mask_inputs(self) -> bool:
        """Whether the model's prompt encoder refines from a previous mask (``mask_feedback``)."""
        encoder = getattr(self.model.panoptic_head, 'prompt_encoder', None)
        return bool(getattr(encoder, 'takes_mask_inputs', False))

    def _check_mask_inputs(self, mask_inputs, count: int) -> Tensor:
        """``mask_inputs`` as float32 (N, h, w) at the decoder's mask size; raise naming the problem."""
        if not self._takes_mask_inputs:
            raise ValueError('mask_input is not supported by this model (its prompt encoder has no '
                             'mask_feedback); to refine a mask pass all clicks so far as one object')
        mask_inputs = torch.as_tensor(np.asarray(mask_inputs, dtype=np.float32))
        expected = (count, *self._require_image().pixels.mask_features.shape[-2:])
        if tuple(mask_inputs.shape) != expected:
            raise ValueError(f'mask_inputs must have shape {expected} (one low_res_logits map per object, as '
                             f'returned with return_logits=True), got {tuple(mask_inputs.shape)}')
        return mask_inputs

    def _prompt_result(self, prompts: InstanceData, return_logits: bool) -> Result:
        """Decode the prompt set (input-frame pixels) and turn it into a plain result."""
        from seg.models.detectors.omg_seg_interactive import OMGSegInteractive
        check_prompts(prompts, self._meta['img_shape'], 'the prompts')
        instances, prediction = OMGSegInteractive.decode_prompts(self.model, self._require_image(), prompts,
                                                                 with_logits=return_logits)
        result = prompt_result(instances, prediction.cls_logits[0, :len(prompts)], self.vocabulary)
        if return_logits:
            result['low_res_logits'] = instances.low_res_logits.cpu().numpy()
        return result

    def _object_to_input_frame(self, obj: ObjectPrompt, meta: dict) -> ObjectPrompt:
        """An object's clicks and box scaled from the original image to the network input."""
        if not isinstance(obj, ObjectPrompt):
            raise TypeError(f'objects must be ObjectPrompt instances, got {type(obj).__name__}')
        self._to_input_frame(obj.points, 2, meta)  # bounds checks
        self._to_input_frame(obj.box, 4, meta)
        return object_prompt_to_input(obj, meta)

    def _to_input_frame(self, coords, width: int, meta: dict) -> Tensor | None:
        """Prompt coordinates (n, ``width``) of the original image scaled to the network input."""
        if coords is None:
            return None
        coords = torch.as_tensor(np.asarray(coords, dtype=np.float32)).reshape(-1, width)
        height, img_width = meta['ori_shape'][:2]
        index = first_outside_frame(coords, meta['ori_shape'])
        if index is not None:
            raise ValueError(f'prompt {coords[index].tolist()} lies outside the image (width {img_width}, '
                             f'height {height})')
        return scale_to_input(coords, meta)
