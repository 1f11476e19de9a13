"""FrameTensorStore: frames on disk read back exactly; video predictions with it equal the in-memory ones."""
import torch

from seg.models.task_modules.frame_tensor_store import FrameTensorStore
from tests.models.video.video_test_utils import synthetic_clip_batch


def test_disk_frames_read_back_bit_for_bit_in_the_store_dtype():
    frames = [torch.randn(3, 5, 7), torch.randn(3, 5, 7) * 1e-8, torch.full((3, 5, 7), float('inf'))]
    store = FrameTensorStore('disk', torch.float16)
    for frame in frames:
        store.append(frame)
    assert len(store) == 3 and store._frames == []  # nothing kept in memory
    for index, frame in enumerate(frames):
        back = store[index]
        assert back.dtype == torch.float16 and back.shape == (3, 5, 7)
        assert torch.equal(back, frame.half())
    store.close()


def test_memory_store_keeps_the_tensors():
    store = FrameTensorStore(None, None)
    frame = torch.randn(2, 4)
    store.append(frame)
    assert store[0] is frame and len(store) == 1


def test_video_predictions_with_the_disk_store_equal_the_memory_store(video_model):
    video_model.eval()
    data = video_model.data_preprocessor(synthetic_clip_batch(batch_size=1, num_frames=7), False)
    frames, samples = data['inputs'][0], data['data_samples'][0].video_data_samples
    with torch.no_grad():
        memory = video_model.track_video(frames, samples)
        video_model.mask_store_device = 'disk'
        try:
            disk = video_model.track_video(frames, samples)
        finally:
            video_model.mask_store_device = None
    assert disk.num_frames == memory.num_frames == 7 and disk._frames.on_disk
    for index in range(7):
        assert torch.equal(disk.frame_masks(index), memory.frame_masks(index))
    assert torch.equal(disk.cls_logits, memory.cls_logits)
