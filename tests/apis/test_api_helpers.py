"""Model-free parts of the API: class lists, vocabularies, result conversion, input conversion, pipelines."""
import numpy as np
import pytest
import torch
from mmdet.evaluation.functional import INSTANCE_OFFSET
from mmengine.config import Config
from PIL import Image

from seg.apis import Vocabulary, parse_class_list, to_bgr_array
from seg.apis.pipeline import image_transforms
from seg.apis.results import panoptic_result, track_segment_scorer
from seg.apis.vocabulary import seen_mask


def test_parse_class_list(tmp_path):
    assert parse_class_list('cat, dog,sky') == ['cat', 'dog', 'sky']
    (tmp_path / 'classes.txt').write_text('person,child\n\nsky\n')
    assert parse_class_list(str(tmp_path / 'classes.txt')) == ['person,child', 'sky']
    (tmp_path / 'classes.json').write_text('["a", "b"]')
    assert parse_class_list(str(tmp_path / 'classes.json')) == ['a', 'b']
    with pytest.raises(FileNotFoundError, match='missing.txt'):
        parse_class_list(str(tmp_path / 'missing.txt'))
    with pytest.raises(ValueError, match='no class names'):
        parse_class_list(' , ')


def test_vocabulary_things_stuff_and_seen():
    vocabulary = Vocabulary.from_names(['dog,puppy', 'cat'], ['sky'])
    assert vocabulary.names == ['dog', 'cat', 'sky'] and vocabulary.num_stuff == 1
    assert vocabulary.is_thing(1) and not vocabulary.is_thing(2)
    trained = Vocabulary(('person', 'puppy', 'grass'), 2)
    assert seen_mask(vocabulary, trained).tolist() == [True, False, False]
    with pytest.raises(ValueError, match='synonym'):
        Vocabulary.from_names(['cat', ' , '])


def test_video_panoptic_result_by_hand():
    vocabulary = Vocabulary.from_names(['cat'], ['sky'])  # void id = 2
    pan_map = torch.tensor([[1, 1, 0 + 2 * INSTANCE_OFFSET],
                            [2, 2, 0 + 2 * INSTANCE_OFFSET]], dtype=torch.int32)
    cls_logits = torch.log(torch.tensor([[0.2, 0.7, 0.1], [0.9, 0.05, 0.05]]))  # query 1 = track 2 is a cat
    result = panoptic_result(pan_map, vocabulary, track_segment_scorer(cls_logits))
    assert result['panoptic_seg'].tolist() == [[1, 1, 2], [0, 0, 2]]
    sky, cat = result['segments_info']
    assert (sky['class_name'], sky['isthing'], sky['area'], sky['instance_id']) == ('sky', False, 2, 0)
    assert (cat['class_name'], cat['isthing'], cat['area'], cat['instance_id']) == ('cat', True, 2, 2)
    assert sky['score'] == pytest.approx(0.7) and cat['score'] == pytest.approx(0.9)
    assert result['masks'].shape == (2, 2, 3) and result['class_names'] == ['sky', 'cat']


def test_to_bgr_array_conversions(tmp_path):
    rgb = np.zeros((4, 5, 3), dtype=np.uint8)
    rgb[..., 0] = 255  # red
    assert to_bgr_array(rgb)[0, 0].tolist() == [0, 0, 255]
    assert to_bgr_array(Image.fromarray(rgb))[0, 0].tolist() == [0, 0, 255]
    assert to_bgr_array(rgb / 255.0)[0, 0].tolist() == [0, 0, 255]
    assert to_bgr_array(rgb[..., 0]).shape == (4, 5, 3)
    Image.fromarray(rgb).save(tmp_path / 'red.png')
    assert to_bgr_array(tmp_path / 'red.png')[0, 0].tolist() == [0, 0, 255]
    with pytest.raises(ValueError, match='shape'):
        to_bgr_array(np.zeros((4, 5, 4), dtype=np.uint8))
    with pytest.raises(FileNotFoundError, match='nope.png'):
        to_bgr_array(tmp_path / 'nope.png')


def test_image_transforms_drop_loading_and_annotations():
    cfg = Config(dict(test_dataloader=dict(dataset=dict(type='RepeatDataset', dataset=dict(pipeline=[
        dict(type='TransformBroadcaster', transforms=[
            dict(type='LoadImageFromFile'), dict(type='Resize', scale=(64, 32), keep_ratio=True),
            dict(type='LoadTrackAnnotations', with_mask=True)]),
        dict(type='PackTrackInputs')])))))
    types = [t['type'] for t in image_transforms(cfg)]
    assert types == ['mmdet.LoadImageFromNDArray', 'Resize', 'mmdet.PackDetInputs']
    assert [t['type'] for t in image_transforms(Config(dict()))][1] == 'Resize'  # default resize
