"""OMGSegVideo: clip + image co-training, clip overfitting, MinVIS inference on videos of any length."""
import pytest
import torch
import torch.nn.functional as F
from mmdet.evaluation.functional import INSTANCE_OFFSET

from seg.models.heads import HeadOutputs
from tests.models.model_test_utils import record_decodes, synthetic_batch
from tests.models.video.video_test_utils import (
    TRACK_LABELS,
    build_toy_video_model,
    synthetic_clip_batch,
    synthetic_video,
)

NUM_QUERIES = 20


def test_clip_and_image_batches_train_the_same_model(video_model):
    video_model.train()
    clip_data = video_model.data_preprocessor(synthetic_clip_batch(batch_size=2, num_frames=2), True)
    clip_losses = video_model(**clip_data, mode='loss')
    video_model.zero_grad()
    sum(clip_losses.values()).backward()
    missing = [n for n, p in video_model.named_parameters() if p.requires_grad and p.grad is None]
    assert missing == []
    assert all(p.grad is None for p in video_model.backbone.parameters())
    video_model.zero_grad()
    image_data = video_model.data_preprocessor(synthetic_batch(batch_size=2, size=64), True)
    image_losses = video_model(**image_data, mode='loss')
    assert set(clip_losses) == set(image_losses)
    for losses in (clip_losses, image_losses):
        assert all(torch.isfinite(v) and v > 0 for v in losses.values())
    video_model.zero_grad()


def test_loss_decreases_when_overfitting_one_clip():
    torch.manual_seed(0)
    model = build_toy_video_model(seed=0)
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    batch = synthetic_clip_batch(batch_size=1, num_frames=2, height=32, width=64)
    history = []
    for _ in range(12):
        losses = model(**model.data_preprocessor(batch, True), mode='loss')
        total = sum(losses.values())
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        history.append(total.item())
    first, last = sum(history[:3]) / 3, sum(history[-3:]) / 3
    assert last < 0.6 * first, history


def test_tensor_mode_gives_one_mask_strip_per_clip(video_model):
    video_model.eval()
    data = video_model.data_preprocessor(synthetic_clip_batch(batch_size=2, num_frames=3), False)
    with torch.no_grad():
        out = video_model(**data, mode='tensor')
    assert isinstance(out, HeadOutputs)
    assert out.mask_logits[-1].shape == (2, NUM_QUERIES, 3 * 16, 24)  # T * H/4, W/4 of 64x96
    assert out.cls_logits[-1].shape == (2, NUM_QUERIES, 13) and out.query_embeds.shape == (2, NUM_QUERIES, 64)


@pytest.mark.parametrize('num_frames', [1, 7])
def test_predict_on_odd_sized_videos_of_any_length(video_model, num_frames):
    video_model.eval()
    video_model.panoptic_fusion_head.test_cfg.update(semantic_on=True)
    batch = synthetic_clip_batch(batch_size=1, num_frames=num_frames, height=50, width=70)
    for frame in batch['data_samples'][0].video_data_samples:
        frame.set_metainfo(dict(ori_shape=(75, 105)))
    data = video_model.data_preprocessor(batch, False)
    assert data['inputs'].shape == (1, num_frames, 3, 64, 96)
    with torch.no_grad():
        tracker = video_model.track_video(data['inputs'][0], data['data_samples'][0].video_data_samples)
        frames = video_model(**data, mode='predict')[0].video_data_samples
    video_model.panoptic_fusion_head.test_cfg.update(semantic_on=False)
    assert tracker.num_frames == num_frames and tracker.num_clips == (1 if num_frames == 1 else 3)
    assert tracker.frame_masks(0).shape == (NUM_QUERIES, 16, 24)  # kept at 1/4 resolution
    assert len(frames) == num_frames
    for frame in frames:
        assert frame.pred_track_panoptic_seg.sem_seg.shape == (1, 75, 105)
        assert frame.pred_sem_seg.sem_seg.shape == (1, 75, 105)
        instances = frame.pred_track_instances
        assert instances.masks.shape[1:] == (75, 105) and instances.masks.device.type == 'cpu'
        assert torch.equal(instances.instances_id, frames[0].pred_track_instances.instances_id)
        assert torch.equal(instances.labels, frames[0].pred_track_instances.labels)
        assert (instances.labels < video_model.num_things_classes).all()


class KnownTracksHead:
    """Stands in for the head: each tube's queries are the two GT tracks in a tube-specific slot order.

    A slot's embedding identifies its track, its class logits its label and its mask logits the track's
    GT masks (1/4 resolution) in the tube's frames. Association must undo the per-tube slot order.
    """

    def __init__(self, video_sample, num_classes: int, generator: torch.Generator):
        self.frames = video_sample.video_data_samples
        self.num_classes = num_classes
        self.generator = generator
        self.embeds = torch.randn(NUM_QUERIES, 64, generator=generator)  # one per "object" (0, 1: tracks)
        self.slots = {}

    def __call__(self, feats, samples):
        meta = samples[0].metainfo
        start, length = meta['frame_id'], meta['num_frames']
        order = torch.randperm(NUM_QUERIES, generator=self.generator)  # slot j holds object order[j]
        self.slots[start] = order
        cls = torch.full((NUM_QUERIES, self.num_classes + 1), -10.0)
        cls[:, -1] = 10.0
        masks = torch.full((NUM_QUERIES, length, 16, 24), -10.0)
        for obj, track in enumerate(TRACK_LABELS):
            slot = (order == obj).nonzero().item()
            cls[slot, -1], cls[slot, TRACK_LABELS[track]] = -10.0, 10.0
            for t in range(length):
                gt = self.frames[start + t].gt_instances
                index = gt.instances_ids.tolist().index(track)
                full = torch.from_numpy(gt.masks.masks[index]).float()[None, None]
                masks[slot, t] = torch.where(F.interpolate(full, (16, 24)) > 0.5, 10.0, -10.0)[0, 0]
        return HeadOutputs([cls[None]], [masks.flatten(1, 2)[None]], [torch.zeros(1, NUM_QUERIES)],
                           self.embeds[order][None])


def test_tracks_keep_their_identity_across_clips_on_a_known_video(video_model, monkeypatch):
    video_model.eval()
    video_model.panoptic_fusion_head.test_cfg.update(instance_on=True, panoptic_on=True)
    inputs, sample = synthetic_video(num_frames=7, height=64, width=96)
    data = video_model.data_preprocessor(dict(inputs=[inputs], data_samples=[sample]), False)
    fake = KnownTracksHead(data['data_samples'][0], video_model.num_classes, torch.Generator().manual_seed(3))
    monkeypatch.setattr(video_model.panoptic_head, 'forward', fake)
    with torch.no_grad():
        frames = video_model(**data, mode='predict')[0].video_data_samples
    assert sorted(fake.slots) == [0, 3, 5]  # three tubes of the 7-frame video
    slot_of_track = [(fake.slots[s] == 0).nonzero().item() for s in sorted(fake.slots)]
    assert len(set(slot_of_track)) > 1  # the raw slot of a track does change between tubes
    panoptic_ids = {track: set() for track in TRACK_LABELS}
    vis_ids = {track: set() for track in TRACK_LABELS}
    for frame in frames:
        pan = frame.pred_track_panoptic_seg.sem_seg[0]
        instances = frame.pred_track_instances
        for index, track in enumerate(frame.gt_instances.instances_ids.tolist()):
            gt_mask = torch.from_numpy(frame.gt_instances.masks.masks[index]).bool()
            ids, counts = pan[gt_mask].unique(return_counts=True)
            panoptic_ids[track].add(ids[counts.argmax()].item())
            masks = instances.masks
            iou = (masks & gt_mask).flatten(1).sum(1) / (masks | gt_mask).flatten(1).sum(1)
            best = iou.argmax()
            assert iou[best] > 0.5 and instances.labels[best] == TRACK_LABELS[track]
            vis_ids[track].add(instances.instances_id[best].item())
    for track, label in TRACK_LABELS.items():
        assert len(panoptic_ids[track]) == 1 and len(vis_ids[track]) == 1  # one id for the whole video
        assert next(iter(panoptic_ids[track])) % INSTANCE_OFFSET == label
    assert panoptic_ids[11] != panoptic_ids[22] and vis_ids[11] != vis_ids[22]


def test_video_inference_runs_the_network_under_the_inference_modes(video_model, monkeypatch):
    from seg.models.utils.inference_modes import InferenceModes
    video_model.eval()
    batch = synthetic_clip_batch(batch_size=1, num_frames=4, height=64, width=96)
    data = video_model.data_preprocessor(batch, False)
    frames, samples = data['inputs'][0], data['data_samples'][0].video_data_samples
    reference = video_model.track_video(frames, samples).frame_masks(2)
    seen = record_decodes(monkeypatch, video_model.panoptic_head)
    video_model.inference_modes = InferenceModes(lean_decoder=True)
    try:
        lean = video_model.track_video(frames, samples).frame_masks(2)
    finally:
        video_model.inference_modes = InferenceModes()
        video_model.panoptic_head.lean_decoder = False
    assert seen and set(seen) == {(True, 1)}  # lean: the last prediction set only
    assert lean.dtype == reference.dtype and torch.allclose(lean, reference, atol=1e-4)
