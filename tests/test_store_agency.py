"""Agency identity (agency.py): higher divisions in front of a name are a region, not a new agency."""
from __future__ import annotations

import pytest

from nianbao.agency import clean_name, regions_agree, same_agency, split_agency


@pytest.mark.parametrize("printed, region, name", [
    ("中卫市沙坡头区司法局", "中卫市", "沙坡头区司法局"),
    ("沙坡头区司法局", "", "沙坡头区司法局"),
    ("宁夏回族自治区中卫市沙坡头区司法局", "宁夏回族自治区中卫市", "沙坡头区司法局"),
    ("巴彦淖尔市乌拉特中旗司法局", "巴彦淖尔市", "乌拉特中旗司法局"),
    ("北京市朝阳区人民政府", "北京市", "朝阳区人民政府"),
    ("江苏省南京市玄武区教育局", "江苏省南京市", "玄武区教育局"),
    ("延边朝鲜族自治州延吉市教育局", "延边朝鲜族自治州", "延吉市教育局"),
    # the city's own bureau: what follows the city is no place, so the city stays in the name
    ("中卫市司法局", "", "中卫市司法局"),
    ("银川市住房和城乡建设局", "", "银川市住房和城乡建设局"),
    ("银川市市场监督管理局", "", "银川市市场监督管理局"),
    ("北京市城市管理委员会", "", "北京市城市管理委员会"),
    ("宁夏回族自治区司法厅", "", "宁夏回族自治区司法厅"),
    ("湖南省长沙市人民政府", "湖南省", "长沙市人民政府"),
])
def test_split_agency(printed, region, name):
    assert split_agency(printed) == (region, name)


def test_clean_name_drops_spaces_full_width_and_title_tail():
    assert clean_name(" 东风区 司法局2023年政府信息公开工作年度报告") == "东风区司法局"
    assert clean_name("ＡＢ区司法局") == "AB区司法局"


def test_same_agency_needs_agreeing_regions():
    assert same_agency("中卫市沙坡头区司法局", "沙坡头区司法局")
    assert same_agency("宁夏回族自治区中卫市沙坡头区司法局", "中卫市沙坡头区司法局")
    assert not same_agency("北京市朝阳区司法局", "长春市朝阳区司法局")
    assert not same_agency("沙坡头区司法局", "沙坡头区教育局")
    assert regions_agree("", "长春市") and not regions_agree("北京市", "长春市")
