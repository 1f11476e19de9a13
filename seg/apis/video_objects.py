"""SAM 2 style video objects with class labels: add objects on any frame, propagate them frame by frame.

Each object is tracked as the VOS detector's prompt mode does: its mask on one frame becomes a box (and/or
centre click) prompt on the next; a pixel goes to the most probable object if above 0.5. A frame where the
user prompted an object uses that prompt (or mask) instead. Features are computed once per frame, when
first needed, and kept in a window of a fixed number of frames.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.structures import InstanceData
from torch import Tensor

from seg.models.detectors.omg_seg_vos import OMGSegVOS, resize_masks

from .pipeline import ImageLike, to_bgr_array
from .video_io import video_frames
from .video_model import (
    FrameFeatures,
    PromptDecoding,
    decode_prompts,
    encode_frame,
    mask_prompts,
    resize_probs,
)
from .video_prompts import object_prompt, prompt_set
from .video_state import Condition, FeatureWindow, FrameStore, PreparedFrame, TrackedObject, VideoState

DEFAULT_FEATURE_WINDOW = 8
GIVEN_MASK_PROB = 2.0  # a given mask outranks every predicted probability (<= 1) in the pixel assignment


class FrameObjects(NamedTuple):
    """The objects on one frame, in the order they were added: ``masks`` (K, H, W) bool at the original
    size, ``class_names`` (K) the most probable class over the frames seen so far (None before the first),
    ``scores`` (K,) its mean probability."""

    frame_idx: int
    obj_ids: list[int]
    masks: np.ndarray
    class_names: list[str | None]
    scores: np.ndarray


class TrackedFrame(NamedTuple):
    """Masks of the objects segmented on one frame: at the original size and in the input frame."""

    output: dict[int, Tensor]
    source: dict[int, Tensor]


def given_probs(masks: list[Tensor], size: tuple[int, int], device: torch.device) -> Tensor:
    """Given masks (K of (H, W)) as probabilities (K, H, W) that outrank any prediction."""
    if not masks:
        return torch.zeros((0, *size), device=device)
    return torch.stack(masks).float() * GIVEN_MASK_PROB


class VideoObjectsMixin:
    """The SAM 2 video predictor API of :class:`~seg.apis.VideoPredictor` (see the module docstring).

    ``propagation_prompt_kinds``: prompts drawn from an object's mask for the next frame (default: the VOS
    detector's ``prompt_kinds``, else its tight box).
    """

    propagation_prompt_kinds: tuple[str, ...] | None = None

    # ------------------------------------------------------------------ frames
    def init_state(self, video: str | os.PathLike | Iterable[ImageLike] | None = None,
                   image_format: str = 'RGB', *, feature_window: int = DEFAULT_FEATURE_WINDOW) -> VideoState:
        """A new video: a frame folder, a video file, frames, or None for a stream fed with :meth:`add_frame`.
        At most ``feature_window`` frames' features are held at once."""
        state = VideoState(FrameStore(lambda path: self._prepare_frame(path, 'RGB')),
                           FeatureWindow(feature_window), vocabulary=self.vocabulary)
        if video is not None:
            self.add_frames(state, video_frames(video), image_format)
        return state

    def add_frame(self, state: VideoState, frame: ImageLike, image_format: str = 'RGB') -> int:
        """Append one frame (of the video's size) to a stream; returns its index. Image files are read when
        needed, other frames are transformed now (kept as the network's uint8 input)."""
        if isinstance(frame, (str, os.PathLike)):
            return state.frames.append(frame)
        return state.frames.append(self._prepare_frame(frame, image_format))

    def add_frames(self, state: VideoState, frames: Iterable[ImageLike], image_format: str = 'RGB') -> int:
        """Append ``frames``; returns the frame count."""
        for frame in frames:
            self.add_frame(state, frame, image_format)
        return state.num_frames

    def _prepare_frame(self, frame: ImageLike | PreparedFrame, image_format: str) -> PreparedFrame:
        """The test transforms of one frame."""
        if isinstance(frame, PreparedFrame):
            return frame
        data = self.pipeline(dict(img=to_bgr_array(frame, image_format)))
        return PreparedFrame(data['inputs'], data['data_samples'])

    def _features(self, state: VideoState, frame_idx: int) -> FrameFeatures:
        """Features of frame ``frame_idx`` from the window, encoded when missing."""
        def encode() -> FrameFeatures:
            frame = state.frame(frame_idx)
            return encode_frame(self.model, frame.inputs.to(self.device), frame.sample)
        return state.features.get(frame_idx, encode)

    # ------------------------------------------------------------------ prompts
    @torch.no_grad()
    def add_new_points_or_box(self, state: VideoState, frame_idx: int, obj_id: int, points=None, labels=None,
                              clear_old_points: bool = True, normalize_coords: bool = True,
                              box=None) -> FrameObjects:
        """Prompt object ``obj_id`` (new or known) on ``frame_idx``: ``points`` (P, 2) xy with ``labels`` (P,)
        (1 positive, 0 negative; default all 1) and / or ``box`` (4,) xyxy, in pixels of the original frame
        (``normalize_coords`` False: in [0, 1]); with ``clear_old_points=False`` the clicks are added to the
        object's earlier ones on that frame. What the model's prompt encoder cannot use raises (the published
        weights: one positive click or one box). Returns the frame's objects with this one's new mask."""
        self._require_prompts()
        meta = self._checked_frame(state, frame_idx).sample.metainfo
        obj = state.objects.get(obj_id)
        earlier = obj.conditions.get(frame_idx) if obj is not None and not clear_old_points else None
        if not normalize_coords:
            height, width = meta['ori_shape'][:2]
            points = None if points is None else np.asarray(points, dtype=np.float32) * [width, height]
            box = None if box is None else np.asarray(box, dtype=np.float32) * [width, height, width, height]
        prompt = object_prompt(meta, obj_id, points, labels, box, earlier.prompt if earlier else None)
        prompt_set([prompt], meta, self.model, f'object {obj_id}')  # refused now, not when propagating
        return self._add_condition(state, frame_idx, obj_id, Condition(prompt=prompt))

    @torch.no_grad()
    def add_new_mask(self, state: VideoState, frame_idx: int, obj_id: int, mask) -> FrameObjects:
        """Give object ``obj_id`` (new or known) by its mask (H, W) bool (original size) on ``frame_idx``."""
        self._require_prompts()
        self._checked_frame(state, frame_idx)
        mask = torch.as_tensor(np.asarray(mask)).bool()
        size = state.frames.original_size
        if tuple(mask.shape) != tuple(size):
            raise ValueError(f'mask of object {obj_id} must have shape {tuple(size)} (the frame), '
                             f'got {tuple(mask.shape)}')
        if not mask.any():
            raise ValueError(f'mask of object {obj_id} on frame {frame_idx} is empty')
        return self._add_condition(state, frame_idx, obj_id, Condition(mask=mask))

    def remove_object(self, state: VideoState, obj_id: int, strict: bool = False) -> list[int]:
        """Forget object ``obj_id`` (an unknown id raises only with ``strict``); returns the remaining ids."""
        if state.objects.pop(obj_id, None) is None and strict:
            raise KeyError(f'no object {obj_id} in this video (objects: {state.obj_ids})')
        return state.obj_ids

    def reset_state(self, state: VideoState) -> None:
        """Forget every object and prompt; frames and their features stay."""
        state.objects.clear()

    def _add_condition(self, state: VideoState, frame_idx: int, obj_id: int,
                       condition: Condition) -> FrameObjects:
        """Store the condition, segment the object on that frame, return the frame's objects."""
        self._sync_vocabulary(state)
        obj = state.objects.setdefault(int(obj_id), TrackedObject(int(obj_id)))
        obj.conditions[frame_idx] = condition
        tracked = self._track_frame(state, frame_idx, [obj], {})
        return self._frame_objects(state, frame_idx, tracked.output, stored=True)

    # ------------------------------------------------------------------ propagation
    @torch.no_grad()
    def propagate_in_video(self, state: VideoState, start_frame_idx: int | None = None,
                           max_frame_num_to_track: int | None = None,
                           reverse: bool = False) -> Iterator[FrameObjects]:
        """Track every object frame by frame, yielding each frame's :class:`FrameObjects` as it is done
        (unpacks as ``frame_idx, obj_ids, masks, class_names, scores``).

        From ``start_frame_idx`` (default: the first prompted frame; with ``reverse`` the last) to the end
        (reverse: frame 0), or over ``max_frame_num_to_track`` more frames (as SAM 2). An object starts on
        its first prompted frame in this direction, or, when the pass starts after frames it was segmented
        on, from its stored mask of the frame before: a stream is continued with ``start_frame_idx`` = the
        first new frame, without recomputing earlier frames.
        """
        self._sync_vocabulary(state)
        frames = self._pass_frames(state, start_frame_idx, max_frame_num_to_track, reverse)
        objects = list(state.objects.values())
        previous = {}
        before = frames[0] + (1 if reverse else -1)
        if 0 <= before < state.num_frames:
            for obj in objects:
                mask = obj.mask_at(before)
                if mask is not None and mask.any():
                    previous[obj.obj_id] = mask
        for frame_idx in frames:
            tracked = self._track_frame(state, frame_idx, objects, previous)
            previous = tracked.source
            yield self._frame_objects(state, frame_idx, tracked.output, stored=False)

    def _pass_frames(self, state: VideoState, start: int | None, count: int | None,
                     reverse: bool) -> list[int]:
        """Frame indices of one propagation pass, in processing order."""
        if not state.objects:
            raise RuntimeError('no objects to track: add one with add_new_points_or_box or add_new_mask '
                               'first')
        if start is None:
            prompted = [frame for obj in state.objects.values() for frame in obj.conditions]
            start = max(prompted) if reverse else min(prompted)
        self._checked_frame(state, start)
        if count is not None and count < 0:
            raise ValueError(f'max_frame_num_to_track must be >= 0, got {count}')
        if reverse:
            end = 0 if count is None else max(start - count, 0)
            return list(range(start, end - 1, -1))
        end = state.num_frames - 1 if count is None else min(start + count, state.num_frames - 1)
        return list(range(start, end + 1))

    def _track_frame(self, state: VideoState, frame_idx: int, objects: list[TrackedObject],
                     previous: dict[int, Tensor]) -> TrackedFrame:
        """Segment ``objects`` on one frame (prompted ones by their condition, the others from their mask
        in ``previous``), record them in the objects and return their masks."""
        followed, given, prompted = self._split_objects(objects, frame_idx, previous)
        if not (followed or given or prompted):
            return TrackedFrame({}, {})
        features = self._features(state, frame_idx)
        device, kinds = features.backbone[0].device, self._prompt_kinds()
        meta = features.metainfos[0]
        in_size, out_size = tuple(meta['img_shape'][:2]), tuple(meta['ori_shape'][:2])
        followed_in = [previous[obj.obj_id].to(device) for obj in followed]
        given_out = [obj.conditions[frame_idx].mask.to(device) for obj in given]
        given_in = [resize_masks(mask[None], in_size)[0] for mask in given_out]
        decoded = self._decode(features, [mask_prompts(torch.stack(masks), kinds)
                                          for masks in (followed_in, given_in) if masks],
                               [obj.conditions[frame_idx].prompt for obj in prompted])
        counts = (len(followed), len(given), len(prompted))
        probs, class_probs = self._object_outputs(decoded, counts, len(kinds))
        # a given mask is the object's mask (its decoded prompt only gives the class)
        _, in_masks = OMGSegVOS.assign_pixels(torch.cat([probs[0], given_probs(given_in, in_size, device),
                                                          probs[2]]))
        _, out_masks = OMGSegVOS.assign_pixels(torch.cat([
            resize_probs(probs[0], out_size), given_probs(given_out, out_size, device),
            resize_probs(probs[2], out_size)]))
        output, source = {}, {}
        for index, obj in enumerate(followed + given + prompted):
            mask = in_masks[index]
            if len(followed) <= index < len(followed) + len(given):
                mask = given_in[index - len(followed)]
            elif not mask.any() and previous.get(obj.obj_id) is not None:
                mask = previous[obj.obj_id].to(device)  # vanished: keep prompting from its last mask
            visible = bool(out_masks[index].any())
            obj.record(frame_idx, mask, class_probs[index] if visible else None)
            output[obj.obj_id], source[obj.obj_id] = out_masks[index], mask
        return TrackedFrame(output, source)

    def _decode(self, features: FrameFeatures, mask_sets: list[InstanceData],
                user_prompts: list) -> PromptDecoding:
        """Decode the prompts drawn from masks, then the users' (a prompt set of their own: clicks)."""
        device = features.backbone[0].device
        decoded = []
        if mask_sets:
            prompts = InstanceData.cat([part.to(device) for part in mask_sets])
            decoded.append(decode_prompts(self.model, features, prompts))
        if user_prompts:
            prompts = prompt_set(user_prompts, features.metainfos[0], self.model, 'the prompted objects')
            decoded.append(decode_prompts(self.model, features, prompts))
        return PromptDecoding(torch.cat([part.probs for part in decoded]),
                              torch.cat([part.cls_logits for part in decoded]))

    @staticmethod
    def _split_objects(objects: list[TrackedObject], frame_idx: int, previous: dict[int, Tensor]
                       ) -> tuple[list[TrackedObject], list[TrackedObject], list[TrackedObject]]:
        """Objects followed from ``previous``, given by a mask, and prompted on this frame (others: none)."""
        followed, given, prompted = [], [], []
        for obj in objects:
            condition = obj.conditions.get(frame_idx)
            if condition is not None:
                (given if condition.mask is not None else prompted).append(obj)
            elif previous.get(obj.obj_id) is not None:
                followed.append(obj)
        return followed, given, prompted

    @staticmethod
    def _object_outputs(decoded: PromptDecoding, counts: tuple[int, int, int],
                        num_kinds: int) -> tuple[list[Tensor], Tensor]:
        """Per group (followed, given, prompted objects) foreground probabilities (K, h, w), the mask prompts'
        kinds averaged; and class probabilities (K_all, N) without background, in the same order."""
        followed, given, prompted = counts
        sizes = [followed * num_kinds, given * num_kinds, prompted]
        probs = list(decoded.probs.split(sizes))
        classes = list(F.softmax(decoded.cls_logits, -1)[:, :-1].split(sizes))
        for group in (0, 1):
            probs[group] = probs[group].view(num_kinds, counts[group], *probs[group].shape[1:]).mean(0)
            classes[group] = classes[group].view(num_kinds, counts[group], classes[group].shape[-1]).mean(0)
        return probs, torch.cat(classes)

    def _frame_objects(self, state: VideoState, frame_idx: int, output: dict[int, Tensor],
                       stored: bool) -> FrameObjects:
        """Every object's mask on the frame (``output``; else, with ``stored``, its recorded mask; else empty)
        with its class so far."""
        size = tuple(state.frames.original_size)
        masks = np.zeros((len(state.objects), *size), dtype=bool)
        names, scores = [], np.zeros(len(state.objects), dtype=np.float32)
        for index, obj in enumerate(state.objects.values()):
            mask = output.get(obj.obj_id)
            if mask is None and stored and obj.mask_at(frame_idx) is not None:
                mask = resize_masks(obj.mask_at(frame_idx)[None], size)[0]
            if mask is not None:
                masks[index] = mask.cpu().numpy()
            estimate = obj.class_estimate()
            names.append(None if estimate is None else self.vocabulary.names[estimate[0]])
            scores[index] = 0.0 if estimate is None else estimate[1]
        return FrameObjects(frame_idx, state.obj_ids, masks, names, scores)

    # ------------------------------------------------------------------ checks
    def _prompt_kinds(self) -> tuple[str, ...]:
        """Prompts drawn from a mask for the next frame."""
        return tuple(self.propagation_prompt_kinds or getattr(self.model, 'prompt_kinds', ('box',)))

    def _require_prompts(self) -> None:
        if not getattr(self.model.panoptic_head, 'enable_box_query', False):
            raise ValueError('this model has no prompt (point / box) queries: build it with '
                             'model.panoptic_head.enable_box_query=True and weights trained with prompts')

    @staticmethod
    def _checked_frame(state: VideoState, frame_idx: int) -> PreparedFrame:
        if not isinstance(frame_idx, (int, np.integer)) or not 0 <= frame_idx < state.num_frames:
            raise IndexError(f'frame_idx {frame_idx} is not a frame of this video '
                             f'(0..{state.num_frames - 1})')
        return state.frame(int(frame_idx))

    def _sync_vocabulary(self, state: VideoState) -> None:
        """After ``set_classes``: drop the stored class probabilities, re-segment the prompted frames."""
        if state.vocabulary is self.vocabulary:
            return
        state.vocabulary = self.vocabulary
        for obj in state.objects.values():
            obj.forget_classes()
            for frame_idx in sorted(obj.conditions):
                self._track_frame(state, frame_idx, [obj], {})
