"""Class lists (DATA.md Appendix A) and the vocabulary merge (§6.2) against Appendix A.7/A.8."""
import json
from pathlib import Path

import numpy as np
import pytest

from seg.datasets.class_names import available_class_lists, load_class_names, vipseg_official_order
from seg.datasets.panoptic_codecs import NO_OBJ
from seg.datasets.vocabulary_merge import lookup_table, merge_vocabularies, remap_labels

MAPPERS = json.loads((Path(__file__).parent / 'data' / 'merge_240_mappers.json').read_text())['mappers']
MERGE_240 = ['coco_panoptic_ov', 'youtube_vis_2019', 'youtube_vis_2021', 'vipseg', 'cityscapes_panoptic']


@pytest.mark.parametrize('name, things, stuff', [
    ('coco_panoptic_ov', 80, 53), ('ade_panoptic_ov', 100, 50), ('vipseg', 58, 66),
    ('youtube_vis_2019', 40, 0), ('youtube_vis_2021', 40, 0), ('cityscapes_panoptic', 8, 11),
    ('th139_st101', 139, 101)])
def test_class_list_sizes(name, things, stuff):
    names = load_class_names(name)
    assert (len(names.thing_classes), len(names.stuff_classes)) == (things, stuff)
    assert len(set(names.thing_classes)) == things and len(set(names.stuff_classes)) == stuff


def test_exact_strings_spot_checks():
    coco = load_class_names('coco_panoptic_ov').classes
    assert coco[0] == ('person,child,girl,boy,woman,man,people,children,girls,boys,women,men,lady,guy,ladies,'
                       'guys,clothes')
    assert coco[60] == ('dining table,dining tables,diningtable,diningtables,plate,plates,'
                        'diningtable tablecloth')
    assert coco[132] == 'rug'
    ade = load_class_names('ade_panoptic_ov').classes
    assert ade[2] == 'cabinet,cabinets,wall mounted cabine'
    assert ade[42] == 'stove,kitchen stove,kitchen range,kitchen range,cooking stove'
    assert ade[149] == 'shower'
    vip = load_class_names('vipseg').classes
    assert vip[45] == 'Microwave_oven' and vip[94] == 'billboard_or_Bulletin_Board'
    assert load_class_names('youtube_vis_2021').classes[13] == 'flying_disc'
    assert load_class_names('cityscapes_panoptic').classes[14] == 'traffic light'


def test_vipseg_official_order_is_a_stable_partition():
    official = vipseg_official_order()
    names = load_class_names('vipseg')
    assert official[:3] == ('wall', 'ceiling', 'door') and official[-1] == 'train'
    assert tuple(n for n in official if n in names.thing_classes) == names.thing_classes
    assert tuple(n for n in official if n in names.stuff_classes) == names.stuff_classes


def test_unknown_class_list_names_the_file():
    with pytest.raises(FileNotFoundError, match='nope.json'):
        load_class_names('nope')
    assert 'coco_panoptic_ov' in available_class_lists()


def test_merge_240_equals_appendix_a7_a8():
    merged = merge_vocabularies([load_class_names(n) for n in MERGE_240] + [None])
    expected = load_class_names('th139_st101')
    assert merged.thing_classes == expected.thing_classes
    assert merged.stuff_classes == expected.stuff_classes
    for name, label_map in zip(MERGE_240, merged.label_maps):
        num_things = len(load_class_names(name).thing_classes)
        mapper = MAPPERS[name]
        assert [label_map[i] for i in range(num_things)] == mapper['things'], name
        assert [label_map[num_things + j] for j in range(len(mapper['stuff']))] == mapper['stuff'], name
        assert label_map[NO_OBJ] == NO_OBJ
    sam_map = merged.label_maps[-1]
    assert sam_map[0] == sam_map[999] == -1 and sam_map[NO_OBJ] == NO_OBJ


def test_merge_136_drops_the_yt21_only_things():
    merged = merge_vocabularies([load_class_names(n) for n in MERGE_240 if n != 'youtube_vis_2021'])
    expected = load_class_names('th139_st101')
    kept = [c for i, c in enumerate(expected.thing_classes) if i not in (102, 103, 104)]
    assert list(merged.thing_classes) == kept and merged.stuff_classes == expected.stuff_classes


def test_merge_closed_set_sizes():
    names = ['coco_panoptic_ov', 'ade_panoptic_ov', 'youtube_vis_2019', 'youtube_vis_2021', 'vipseg',
             'cityscapes_panoptic']
    merged = merge_vocabularies([load_class_names(n) for n in names])
    assert (len(merged.thing_classes), len(merged.stuff_classes)) == (196, 124)


def test_things_and_stuff_never_merge_and_matching_is_on_whole_synonyms():
    a = load_class_names('coco_panoptic_ov')  # 'traffic light' is a COCO thing
    b = load_class_names('cityscapes_panoptic')  # 'traffic light' is a Cityscapes stuff
    merged = merge_vocabularies([a, b])
    assert merged.label_maps[1][14] == len(merged.thing_classes) + merged.stuff_classes.index('traffic light')
    assert 'rider' in merged.thing_classes  # no substring match with 'person,...'


def test_vectorised_remap_and_errors():
    table = lookup_table({0: 5, 1: 7, NO_OBJ: NO_OBJ})
    sem = np.array([[0, 1], [NO_OBJ, 0]], dtype=np.int32)
    np.testing.assert_array_equal(remap_labels(sem, table, 'x'), [[5, 7], [NO_OBJ, 5]])
    with pytest.raises(ValueError, match=r'ds sample 3: labels \[2\] are not defined'):
        remap_labels(np.array([0, 2]), table, 'ds sample 3')
