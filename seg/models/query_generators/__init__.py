"""Query generators: point / box / click-set prompts -> decoder queries, and prompts drawn from GT masks."""
from .click_set_encoding import ClickSetPromptEncoder, prompt_clicks
from .click_simulation import append_clicks, mask_ious, next_click, simulate_clicks
from .prompt_encoding import (
    PromptQueryGenerator,
    boxes_to_normalized_cxcywh,
    jitter_cxcywh,
    prompt_position_code,
)
from .prompt_sampling import PromptSampler, deepest_mask_points, mask_boxes, random_mask_points
from .prompts import (
    CLICK_NEGATIVE,
    CLICK_PADDING,
    CLICK_POSITIVE,
    PROMPT_BOX,
    PROMPT_POINT,
    ObjectPrompt,
    check_prompts,
    first_outside_frame,
    make_object_prompts,
    make_prompts,
    object_prompt_to_input,
    one_query_prompt_problem,
    scale_to_input,
)

__all__ = ['CLICK_NEGATIVE', 'CLICK_PADDING', 'CLICK_POSITIVE', 'ClickSetPromptEncoder', 'ObjectPrompt',
           'PROMPT_BOX', 'PROMPT_POINT', 'PromptQueryGenerator', 'PromptSampler',
           'boxes_to_normalized_cxcywh', 'check_prompts', 'deepest_mask_points', 'first_outside_frame',
           'jitter_cxcywh',
           'make_object_prompts', 'make_prompts', 'mask_boxes', 'one_query_prompt_problem',
           'prompt_clicks', 'prompt_position_code', 'random_mask_points', 'append_clicks', 'mask_ious',
           'next_click', 'object_prompt_to_input', 'scale_to_input', 'simulate_clicks']
