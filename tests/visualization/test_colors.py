"""Colours and names: deterministic, palette-aware, first synonym."""
import subprocess
import sys

import pytest

from seg.visualization import ClassStyle, display_name, hashed_color, instance_color


def test_hashed_color_is_deterministic_and_key_dependent():
    assert hashed_color('a') == hashed_color('a')
    assert hashed_color('a') != hashed_color('b')
    assert all(isinstance(c, int) and 0 <= c <= 255 for c in hashed_color(123))


def test_instance_color_is_the_same_in_another_process():
    """SHA-256 based, not Python's salted hash(): a new interpreter gives the same colour."""
    code = 'from seg.visualization.colors import instance_color; print(tuple(instance_color(42)))'
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(instance_color(42))


def test_display_name_takes_first_synonym():
    assert display_name('person,child,kid') == 'person'
    assert display_name(' traffic light , signal') == 'traffic light'
    assert display_name('sky') == 'sky'


def test_class_style_uses_dataset_palette_when_complete():
    style = ClassStyle.from_meta(dict(classes=('a,b', 'c'), palette=[(1, 2, 3), (4, 5, 6)]))
    assert style.color(1) == (4, 5, 6)
    assert style.name(0) == 'a'
    assert style.name(5) == 'class 5'


def test_class_style_without_palette_is_stable_per_class_name():
    """The same class keeps its colour whatever its index or the dataset it comes from."""
    first = ClassStyle(('person', 'car'))
    second = ClassStyle(('car', 'bus', 'person'))
    assert first.color(0) == second.color(2)
    assert first.color(1) == second.color(0)
    assert first.color(0) != first.color(1)


def test_class_style_ignores_a_too_short_palette():
    style = ClassStyle(('a', 'b', 'c'), palette=[(1, 2, 3)])
    assert style.color(0) == ClassStyle(('a',)).color(0) != (1, 2, 3)


@pytest.mark.parametrize('raw, shown', [
    ('sky-other-merged', 'sky'), ('wall-other-merged', 'wall'), ('door-stuff', 'door'),
    ('earless_seal', 'earless seal'), ('tree-merged,tree', 'tree'), ('floor-wood', 'floor-wood'),
    ('Microwave_oven', 'Microwave oven'), ('-other', '-other'), ('person,child', 'person')])
def test_display_name_drops_dataset_suffixes_and_underscores(raw, shown):
    assert display_name(raw) == shown
