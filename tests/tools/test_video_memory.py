"""tools/analysis/video_memory.py: one measured row on the toy video model."""
import importlib.util

from tests.models.model_test_utils import REPO_ROOT


def load_tool():
    path = REPO_ROOT / 'tools' / 'analysis' / 'video_memory.py'
    spec = importlib.util.spec_from_file_location('video_memory', path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


def test_a_row_reports_peak_memory_and_the_logit_budgets():
    tool = load_tool()
    args = tool.parse_args(['--placeholder-bank', '--device', 'cpu', '--size', '40', '60'])
    model = tool.build_model(args)
    row = tool.measure(model, 3, 40, 60)
    assert row['frames'] == 3 and row['input'] == '64x64'
    assert row['peak_mib'] >= 0
    # 20 queries x 3 frames x 64 x 64 float32 at full vs 1/4 resolution
    assert row['reference_full_res_mib'] == round(20 * 3 * 64 * 64 * 4 / 2 ** 20, 1)
    assert row['stored_quarter_res_mib'] == round(20 * 3 * 16 * 16 * 4 / 2 ** 20, 1)
