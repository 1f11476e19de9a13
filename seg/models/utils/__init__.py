"""Model utilities: mask pooling, MLP builder, open-vocabulary ensembling, checkpoint loading."""
from .checkpoint import (
    CheckpointFileError,
    CheckpointMismatchError,
    KeyReport,
    compare_state_dicts,
    load_checked,
    load_tensor_file,
    read_state_dict,
)
from .mask_pooling import mask_pool
from .mlp import mlp
from .open_vocab import ensemble_open_vocab_logits

__all__ = ['mask_pool', 'mlp', 'ensemble_open_vocab_logits', 'CheckpointFileError', 'CheckpointMismatchError',
           'KeyReport', 'compare_state_dicts', 'load_checked', 'load_tensor_file', 'read_state_dict']
