"""``predictor.class_names`` and the ``class_names`` of results are the same display names."""
from types import SimpleNamespace

import torch

from seg.apis import Vocabulary
from seg.apis.predictor_base import PredictorBase
from seg.apis.results import semantic_result


def test_class_names_are_the_display_names_results_use():
    vocabulary = Vocabulary(('sky-other-merged', 'person,child', 'earless_seal', 'wall-stuff'), 2)
    assert vocabulary.names == ['sky', 'person', 'earless seal', 'wall']
    predictor = SimpleNamespace(vocabulary=vocabulary)  # the property reads only the vocabulary
    assert PredictorBase.class_names.fget(predictor) == vocabulary.names
    result = semantic_result(torch.tensor([[0, 1], [2, 3]]), vocabulary)
    assert result['class_names'] == vocabulary.names
