"""Region and agency name joined for display without repeating the place both carry."""
import pytest

from nianbao.agency import join_name


@pytest.mark.parametrize("region, name, joined", [
    ("浙江省温州市文成县", "文成县人民政府", "浙江省温州市文成县人民政府"),
    ("浙江省温州市文成县", "文成县城关镇人民政府", "浙江省温州市文成县城关镇人民政府"),
    ("宁夏回族自治区中卫市", "沙坡头区司法局", "宁夏回族自治区中卫市沙坡头区司法局"),
    ("中卫市", "中卫市司法局", "中卫市司法局"),
    ("温州市", "市政府办公室", "温州市市政府办公室"),      # "市" alone is no place
    (None, "司法局", "司法局"),
    ("", None, ""),
])
def test_join_name_drops_the_repeated_place(region, name, joined):
    assert join_name(region, name) == joined
