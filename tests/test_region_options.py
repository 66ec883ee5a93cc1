"""The regional pages' region pickers, built once per list of regions: the same HTML the template
loops gave, the chosen region marked per request."""
from __future__ import annotations

from collections import namedtuple

from nianbao.web.region_options import datalist_options, select_options

R = namedtuple("R", "id name full_name")


def test_datalist_options_escape_each_choice_and_follow_a_new_list():
    assert datalist_options(["中卫市", "a<b"]) == '<option value="中卫市"><option value="a&lt;b">'
    assert datalist_options(["吴忠市"]) == '<option value="吴忠市">'


def test_select_marks_every_region_the_choice_names_by_id_name_or_full_name():
    regions = [R(1, "中卫市", "宁夏中卫市"), R(2, "城关区", "甘肃兰州市城关区"), R(3, "城关区", "西藏拉萨市城关区")]
    plain = select_options(regions, "")
    assert plain.count("selected") == 0 and plain.startswith('<option value="1" >宁夏中卫市</option>')
    assert select_options(regions, "1").count("selected") == 1
    assert select_options(regions, "宁夏中卫市") == select_options(regions, "中卫市")
    both = select_options(regions, "城关区")
    assert both.count("selected") == 2 and '<option value="2" selected>甘肃兰州市城关区</option>' in both
    assert select_options(regions, "").count("selected") == 0          # the marks are per request
    fewer = select_options(regions[:1], "中卫市")                         # another list: built again
    assert fewer == '<option value="1" selected>宁夏中卫市</option>'
