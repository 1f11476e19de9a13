"""Semi-supervised video object segmentation (DAVIS-17): follow the first frame's objects through a video."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample, SampleList, TrackDataSample
from scipy.optimize import linear_sum_assignment
from torch import Tensor

from ..heads.video_fusion import upsample_frame_masks
from ..query_generators import deepest_mask_points, make_prompts, mask_boxes
from .omg_seg_video import OMGSegVideo

VOS_MODES = ('proposal', 'prompt')
PROMPT_KINDS = ('box', 'point')


def first_frame_objects(frame: DetDataSample) -> tuple[Tensor, Tensor]:
    """Object ids (K,) and masks (K, H, W) bool (CPU) of the first frame's GT."""
    instances = frame.get('gt_instances')
    if instances is None or instances.get('masks') is None or instances.get('instances_ids') is None:
        raise ValueError(f'{frame.metainfo.get("img_path", "first frame")}: VOS needs the first frame\'s GT '
                         '`gt_instances.masks` and `gt_instances.instances_ids`')
    masks = instances.masks
    if hasattr(masks, 'to_tensor'):
        masks = masks.to_tensor(torch.bool, 'cpu')
    masks = torch.as_tensor(masks).bool()
    return torch.as_tensor(instances.instances_ids).long().cpu(), masks.cpu()


def resize_masks(masks: Tensor, size: tuple[int, int]) -> Tensor:
    """Bool masks (K, H, W) resized (nearest) to ``size``."""
    if masks.shape[0] == 0 or tuple(masks.shape[-2:]) == tuple(size):
        return masks.reshape(masks.shape[0], *size)
    return F.interpolate(masks[:, None].float(), size=tuple(size), mode='nearest')[:, 0] > 0.5


def paint_ids(masks: Tensor, ids: Tensor) -> Tensor:
    """Id map (H, W) int64: masks (K, H, W) painted with their ids in order (later ones win), 0 elsewhere."""
    id_map = torch.zeros(masks.shape[-2:], dtype=torch.long, device=masks.device)
    for mask, obj_id in zip(masks, ids.tolist()):
        id_map[mask] = obj_id
    return id_map


def mask_iou(a: Tensor, b: Tensor) -> Tensor:
    """Pairwise IoU (K, P) of bool masks (K, H, W) and (P, H, W)."""
    a, b = a.flatten(1).float(), b.flatten(1).float()
    inter = a @ b.T
    union = a.sum(-1)[:, None] + b.sum(-1)[None] - inter
    return inter / union.clamp(min=1)


@MODELS.register_module()
class OMGSegVOS(OMGSegVideo):
    """DAVIS-style VOS: every frame gets ``pred_track_proposal`` (H, W) int64, the GT object id per pixel.

    Modes (``vos_mode``):
      ``'proposal'`` (reference protocol, MODEL.md 12.4): MinVIS inference with object queries; the
      ``num_proposals`` queries of highest video-level objectness are matched to the first frame's GT
      objects by Hungarian matching on mask IoU; the matched queries' masks are painted with the object
      ids in ascending objectness (higher scores win overlaps). No propagation.
      ``'prompt'`` (SAM-like, needs ``enable_box_query``): each object's mask in the previous frame becomes
      a prompt for the next frame (``prompt_kinds``: its tight box (default) and/or its distance-transform
      centre click; the probabilities of several kinds are averaged); a pixel goes to the object of highest
      probability if above 0.5.
      An object that vanishes is prompted from its last non-empty mask.
    The first frame's prediction is its GT (given in semi-supervised VOS).
    """

    def __init__(self, *, vos_mode: str = 'proposal', num_proposals: int = 25,
                 prompt_kinds: tuple[str, ...] = ('box',), **kwargs) -> None:
        super().__init__(**kwargs)
        if vos_mode not in VOS_MODES:
            raise ValueError(f'vos_mode must be one of {VOS_MODES}, got {vos_mode!r}')
        if not prompt_kinds or any(kind not in PROMPT_KINDS for kind in prompt_kinds):
            raise ValueError(f'prompt_kinds must be a non-empty subset of {PROMPT_KINDS}, '
                             f'got {prompt_kinds!r}')
        if vos_mode == 'prompt' and not self.panoptic_head.enable_box_query:
            raise ValueError("vos_mode='prompt' needs panoptic_head.enable_box_query=True")
        self.vos_mode = vos_mode
        self.num_proposals = num_proposals
        self.prompt_kinds = tuple(prompt_kinds)

    def predict(self, batch_inputs: Tensor, batch_data_samples: SampleList,
                rescale: bool = True) -> SampleList:
        """Clip batches (B, T, 3, H, W): one video per sample, see the class docstring; images as OMGSeg."""
        if batch_inputs.dim() != 5:
            return super().predict(batch_inputs, batch_data_samples, rescale=rescale)
        for frames, sample in zip(batch_inputs, batch_data_samples):
            self.segment_video(frames, sample, rescale)
        return batch_data_samples

    @torch.no_grad()
    def segment_video(self, frames: Tensor, sample: TrackDataSample, rescale: bool = True) -> TrackDataSample:
        """Fill ``pred_track_proposal`` of every frame of one video (T, 3, H, W)."""
        frame_samples = list(sample.video_data_samples)
        if len(frame_samples) != frames.shape[0]:
            raise ValueError(f'video has {frames.shape[0]} frames but {len(frame_samples)} frame samples')
        if self.vos_mode == 'prompt':
            id_maps = self.propagate_with_prompts(frames, frame_samples, rescale)
        else:
            id_maps = self.match_proposals(frames, frame_samples, rescale)
        for frame_sample, id_map in zip(frame_samples, id_maps):
            frame_sample.pred_track_proposal = id_map.to(self.result_device or id_map.device)
        return sample

    @staticmethod
    def _output_size(meta: dict, rescale: bool) -> tuple[int, int]:
        """``ori_shape`` or ``img_shape``."""
        return tuple(meta['ori_shape'][:2] if rescale else meta['img_shape'][:2])

    # ------------------------------------------------------------------ reference protocol
    def match_proposals(self, frames: Tensor, frame_samples: list[DetDataSample],
                        rescale: bool) -> list[Tensor]:
        """Id maps of the top-objectness queries matched to the first frame's objects (MinVIS tracking)."""
        tracker = self.track_video(frames, frame_samples)
        objectness = tracker.objectness.sigmoid()
        top = objectness.topk(min(self.num_proposals, objectness.numel())).indices.flip(0)  # ascending score
        first_meta = frame_samples[0].metainfo
        ids, gt_masks = first_frame_objects(frame_samples[0])
        gt_masks = resize_masks(gt_masks, self._output_size(first_meta, rescale))
        proposals = upsample_frame_masks(tracker.frame_masks(0)[top], first_meta, rescale) > 0
        rows, cols = linear_sum_assignment(-mask_iou(gt_masks, proposals.cpu()).numpy())
        order = sorted(range(len(rows)), key=lambda i: cols[i])  # paint in ascending proposal score
        chosen = top[torch.as_tensor(cols[order], dtype=torch.long, device=top.device)]
        chosen_ids = ids[torch.as_tensor(rows[order], dtype=torch.long)]
        id_maps = []
        for index, frame_sample in enumerate(frame_samples):
            logits = tracker.frame_masks(index)[chosen].to(objectness.device)
            masks = upsample_frame_masks(logits, frame_sample.metainfo, rescale) > 0
            id_maps.append(paint_ids(masks, chosen_ids.to(masks.device)))
        return id_maps

    # ------------------------------------------------------------------ prompt propagation
    def object_prompts(self, masks: Tensor):
        """Prompts (all objects' boxes first, then clicks) from object masks (K, h, w) in the input frame."""
        boxes = mask_boxes(masks) if 'box' in self.prompt_kinds else None
        points = deepest_mask_points(masks) if 'point' in self.prompt_kinds else None
        return make_prompts(boxes=boxes, points=points)

    def prompt_frame(self, frame: Tensor, meta: dict, masks: Tensor) -> Tensor:
        """Foreground probabilities (K, h, w) in the ``img_shape`` frame for object masks (K, h, w)."""
        prompts = self.object_prompts(masks)
        modes = self.inference_modes  # the network under the inference modes, as OMGSeg._predict_batch
        features = modes.run(self, self.encode, modes.inputs(frame[None]), [DetDataSample(metainfo=meta)])
        prediction = modes.run(self, self.decode, features, [prompts], upsample=True)
        height, width = meta['img_shape'][:2]
        logits = prediction.mask_logits[0, :len(prompts), :height, :width].float()
        return logits.sigmoid().view(len(self.prompt_kinds), masks.shape[0], height, width).mean(0)

    def propagate_with_prompts(self, frames: Tensor, frame_samples: list[DetDataSample],
                               rescale: bool) -> list[Tensor]:
        """Id maps of all frames, each frame prompted with the previous frame's object masks."""
        first_meta = frame_samples[0].metainfo
        ids, gt_masks = first_frame_objects(frame_samples[0])
        id_maps = [paint_ids(resize_masks(gt_masks, self._output_size(first_meta, rescale)), ids)]
        masks = resize_masks(gt_masks, first_meta['img_shape'][:2])
        visible = masks.flatten(1).any(-1)  # objects too small for the input resolution cannot be prompted
        ids, last_masks = ids[visible], masks[visible].to(frames.device)
        for index in range(1, frames.shape[0]):
            meta = frame_samples[index].metainfo
            if len(ids) == 0:
                id_maps.append(torch.zeros(self._output_size(meta, rescale), dtype=torch.long))
                continue
            probs = self.prompt_frame(frames[index], meta, last_masks)
            owner, masks = self.assign_pixels(probs)
            last_masks = torch.where(masks.flatten(1).any(-1)[:, None, None], masks, last_masks)
            out_probs = F.interpolate(probs[None], size=self._output_size(meta, rescale), mode='bilinear',
                                      align_corners=False)[0]
            out_owner, _ = self.assign_pixels(out_probs)
            id_maps.append(torch.where(out_owner >= 0, ids.to(out_owner.device)[out_owner.clamp(min=0)], 0))
        return id_maps

    @staticmethod
    def assign_pixels(probs: Tensor) -> tuple[Tensor, Tensor]:
        """Per pixel the most probable object if its probability > 0.5, else -1; and the masks (K, h, w)."""
        best, owner = probs.max(0)
        owner = torch.where(best > 0.5, owner, -1)
        masks = owner[None] == torch.arange(probs.shape[0], device=probs.device)[:, None, None]
        return owner, masks
