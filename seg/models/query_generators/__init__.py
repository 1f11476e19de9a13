"""Query generators: point / box prompts -> decoder queries, and prompts drawn from GT masks."""
from .prompt_encoding import (
    PromptQueryGenerator,
    boxes_to_normalized_cxcywh,
    jitter_cxcywh,
    prompt_position_code,
)
from .prompt_sampling import PromptSampler, deepest_mask_points, mask_boxes, random_mask_points
from .prompts import PROMPT_BOX, PROMPT_POINT, check_prompts, make_prompts

__all__ = ['PROMPT_BOX', 'PROMPT_POINT', 'PromptQueryGenerator', 'PromptSampler',
           'boxes_to_normalized_cxcywh', 'check_prompts', 'deepest_mask_points', 'jitter_cxcywh',
           'make_prompts', 'mask_boxes',
           'prompt_position_code', 'random_mask_points']
