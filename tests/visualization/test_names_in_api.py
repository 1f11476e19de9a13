"""API results and pictures show the same class names: ``display_name`` of the vocabulary's classes."""
import torch
from mmengine.structures import InstanceData

from seg.apis.results import instance_result, semantic_result
from seg.apis.vocabulary import Vocabulary


def test_results_use_display_names():
    vocabulary = Vocabulary(('earless_seal', 'person,child', 'sky-other-merged'), num_things=2)
    instances = InstanceData(masks=torch.ones(2, 4, 4, dtype=torch.bool), labels=torch.tensor([0, 1]),
                             scores=torch.tensor([0.9, 0.8]), bboxes=torch.zeros(2, 4))
    assert instance_result(instances, vocabulary, 0.5, (4, 4))['class_names'] == ['earless seal', 'person']
    sem = torch.tensor([[2, 2], [0, 0]])
    assert semantic_result(sem, vocabulary)['class_names'] == ['earless seal', 'sky']
