"""The toy co-training data config drives a real mmengine training loop (dummy model, CPU)."""
import torch
from mmdet.registry import MODELS
from mmengine.model import BaseModel
from mmengine.runner import Runner

SEEN = []


@MODELS.register_module(name='RecordingModelForCotrainTest', force=True)
class RecordingModel(BaseModel):
    """Records (kind, data_tag, frames, labels) of every training sample; loss = weight ** 2."""

    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(1))

    def forward(self, inputs, data_samples=None, mode='loss'):
        for image, sample in zip(inputs, data_samples):
            frames = list(sample.video_data_samples) if hasattr(sample, 'video_data_samples') else [sample]
            labels = [f.gt_instances.labels.clone() for f in frames]
            num_frames = image.shape[0] if image.ndim == 4 else 1
            SEEN.append((type(sample).__name__, sample.data_tag, num_frames, labels))
        return dict(loss=(self.weight ** 2).sum())


def test_toy_cotrain_trains_for_two_epochs(toy_config, tmp_path):
    cfg = toy_config('toy_cotrain')
    SEEN.clear()
    runner = Runner(
        model=dict(type='RecordingModelForCotrainTest'), work_dir=str(tmp_path),
        train_dataloader=cfg.train_dataloader, train_cfg=dict(by_epoch=True, max_epochs=2),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)), default_scope='mmdet',
        default_hooks=dict(checkpoint=None, logger=dict(type='LoggerHook', interval=1)),
        randomness=dict(seed=0))
    runner.train()
    assert len(SEEN) == 2 * 12  # num_samples=12 per epoch, batch size 1
    assert {(kind, tag, frames) for kind, tag, frames, _ in SEEN} == {('TrackDataSample', 'coco', 2)}
    num_classes = len(runner.train_dataloader.dataset.metainfo['classes'])
    for *_, labels in SEEN:
        for frame_labels in labels:
            assert ((frame_labels >= 0) & (frame_labels < num_classes)).all()
