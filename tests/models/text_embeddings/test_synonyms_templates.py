import pytest

from seg.models.text_embeddings import VILD_TEMPLATES, normalize_class_name, split_synonyms


@pytest.mark.parametrize('name, expected', [
    ('parasol_or_umbrella', ['parasol', 'umbrella']),
    ('billboard_or_Bulletin_Board', ['billboard', 'bulletin board']),
    ('Microwave_oven', ['microwave oven']),
    ('road, route', ['road', 'route']),
    ('window ', ['window']),
    ('a/b', ['a', 'b']),
    ('person,child,girl', ['person', 'child', 'girl']),
])
def test_split_synonyms(name, expected):
    assert split_synonyms(name) == expected


def test_normalize_keeps_spaces_around_commas():
    # The merge compares unstripped synonyms (DATA.md §6.2); gen_cls strips them.
    assert normalize_class_name('Road, Route') == 'road, route'


def test_empty_class_name_rejected():
    with pytest.raises(ValueError, match="' , '"):
        split_synonyms(' , ')


def test_vild_templates():
    assert len(VILD_TEMPLATES) == 14
    assert VILD_TEMPLATES[0] == 'a photo of a {}.'
    assert VILD_TEMPLATES[1] == 'This is a photo of a {}'
    assert VILD_TEMPLATES[-1] == 'There is a large {} in the scene.'
    assert all(t.count('{}') == 1 for t in VILD_TEMPLATES)
