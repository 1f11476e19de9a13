"""VideoSegDataPreprocessor: ImageNet normalisation, BGR->RGB, padding of images, masks and seg maps."""
import torch
from mmdet.structures import DetDataSample
from mmdet.structures.mask import BitmapMasks
from mmengine.structures import InstanceData, PixelData

from seg.models.data_preprocessors import VideoSegDataPreprocessor


def _sample(h, w):
    sample = DetDataSample(metainfo=dict(img_shape=(h, w), ori_shape=(h, w)))
    sample.gt_instances = InstanceData(labels=torch.tensor([0]), masks=BitmapMasks(
        torch.ones(1, h, w, dtype=torch.uint8).numpy(), h, w), bboxes=torch.zeros(1, 4))
    sample.gt_sem_seg = PixelData(sem_seg=torch.zeros(1, h, w, dtype=torch.int64))
    return sample


def test_images_are_rgb_normalised_and_padded_to_32():
    image = torch.zeros(3, 40, 50, dtype=torch.uint8)
    image[0] = 10  # blue channel in BGR
    image[2] = 200  # red channel
    data = dict(inputs=[image, torch.zeros(3, 30, 70, dtype=torch.uint8)],
                data_samples=[_sample(40, 50), _sample(30, 70)])
    out = VideoSegDataPreprocessor()(data, training=True)
    inputs = out['inputs']
    assert inputs.shape == (2, 3, 64, 96)
    assert torch.allclose(inputs[0, 0, 0, 0], torch.tensor((200 - 123.675) / 58.395))  # R first
    assert torch.allclose(inputs[0, 2, 0, 0], torch.tensor((10 - 103.53) / 57.375))
    assert inputs[0, :, 40:, :].abs().sum() == 0  # zero padding (after normalisation)
    sample = out['data_samples'][0]
    assert sample.batch_input_shape == (64, 96)
    assert sample.gt_instances.masks.masks.shape == (1, 64, 96)
    assert sample.gt_instances.masks.masks[0, 40:].sum() == 0
    sem = sample.gt_sem_seg.sem_seg
    assert sem.shape == (1, 64, 96) and (sem[0, 40:] == 65535).all() and (sem[0, :40, :50] == 0).all()


def test_clip_batches_are_routed_to_the_clip_path():
    clip = torch.zeros(2, 3, 32, 32, dtype=torch.uint8)
    out = VideoSegDataPreprocessor()(dict(inputs=[clip], data_samples=None), training=False)
    assert out['inputs'].shape == (1, 2, 3, 32, 32)  # (B, T, 3, Hp, Wp); details in tests/models/video
