"""Config typos and overrides, predictor image arrays, writes that fail."""
from __future__ import annotations

import errno

import numpy as np
from fault_case import Case, error_of, run_cli

TOY_CONFIG = 'seg/configs/toy/omg_toy_coco_panoptic.py'


def _load(tmp, **options):
    from seg.utils.config_utils import load_config
    return error_of(load_config, TOY_CONFIG, options, work_dir=str(tmp / 'work_dir'))


def cfg_option_typo_in_head(tmp):
    return run_cli('tools/train.py', TOY_CONFIG, '--work-dir', str(tmp / 'work_dir'),
                   '--cfg-options', 'model.panoptic_head.num_querys=10')


def cfg_option_typo_in_test_cfg(tmp):
    return _load(tmp, **{'model.test_cfg.object_mask_thrr': 0.5})


def cfg_option_typo_in_train_cfg_costs(tmp):
    return _load(tmp, **{'model.train_cfg.assigner.match_costs.0.weigth': 1.0})


def cfg_option_typo_in_dataloader(tmp):
    return _load(tmp, **{'train_dataloader.batch_sise': 2})


def cfg_option_text_for_number(tmp):
    return _load(tmp, **{'optim_wrapper.optimizer.lr': 'abc'})


def predictor_uint16_array(tmp):
    """A uint16 RGB array and the same data as a 16-bit PNG give the same 8-bit image."""
    import cv2

    from seg.apis.pipeline import to_bgr_array
    rgb8 = np.random.default_rng(0).integers(0, 256, (16, 24, 3), dtype=np.uint8)
    rgb16 = rgb8.astype(np.uint16) * 257
    cv2.imwrite(str(tmp / 'img16.png'), rgb16[..., ::-1])
    from_array, from_png = to_bgr_array(rgb16, 'RGB'), to_bgr_array(tmp / 'img16.png')
    agree = (from_array == from_png).mean()
    assert np.array_equal(from_array, rgb8[..., ::-1])
    return f'accepted: uint16 array == 16-bit PNG == 8-bit image on {100 * agree:.0f}% of pixels'


def predictor_out_of_range_array(tmp):
    from seg.apis.pipeline import to_bgr_array
    return error_of(to_bgr_array, np.full((4, 4, 3), 300, np.int32))


def metrics_write_disk_full(tmp):
    from seg.utils.atomic import atomic_write

    def full_disk(f):
        f.write('{"PQ": ')
        raise OSError(errno.ENOSPC, 'No space left on device')  # what write() raises on a full disk
    try:
        atomic_write(tmp / 'metrics.json', full_disk, 'w')
    except OSError as err:
        leftovers = [p.name for p in tmp.iterdir()]
        assert not leftovers, leftovers  # the temp file is removed
        return str(err)
    raise AssertionError('no error')


CASES = [
    Case(4, '`--cfg-options model.panoptic_head.num_querys=10` (`tools/train.py`)',
         "error: unknown key 'num_querys' in model.panoptic_head (OMGSegHead); did you mean 'num_queries'?",
         cfg_option_typo_in_head),
    Case(4, '`model.test_cfg.object_mask_thrr` (a test_cfg key no head reads)',
         "unknown key 'object_mask_thrr' in model.test_cfg (read by OMGFusionHead); did you mean "
         "'object_mask_thr'?", cfg_option_typo_in_test_cfg),
    Case(4, 'typo in a nested component list (`train_cfg.assigner.match_costs.0.weigth`)',
         "unknown key 'weigth' in model.train_cfg.assigner.match_costs[0] (ClassificationCost); did you mean "
         "'weight'?", cfg_option_typo_in_train_cfg_costs),
    Case(4, '`--cfg-options train_dataloader.batch_sise=2`',
         "--cfg-options train_dataloader.batch_sise: unknown key 'batch_sise' in train_dataloader; did you "
         "mean 'batch_size'?", cfg_option_typo_in_dataloader),
    Case(8, '`--cfg-options optim_wrapper.optimizer.lr=abc`',
         "--cfg-options optim_wrapper.optimizer.lr='abc': expected a number (the config has 0.001)",
         cfg_option_text_for_number),
    Case(7, 'uint16 RGB array given to the predictor',
         'accepted: uint16 array == 16-bit PNG == 8-bit image on 100% of pixels', predictor_uint16_array),
    Case(7, 'int32 image array with values above 255 given to the predictor',
         'image array of dtype int32 has values in [300, 300]; expected uint8, uint16, floats in [0, 1] or '
         'values in [0, 255] (convert it to uint8 first)', predictor_out_of_range_array),
    Case(8, 'full disk while writing a result/metric file (seg/utils/atomic.py)',
         "[Errno 28] No space left on device: 'DIR/metrics.json'", metrics_write_disk_full),
]
