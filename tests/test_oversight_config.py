"""A jurisdiction's YAML configuration: defaults, overrides, and errors that name the bad key."""
import pytest

from nianbao.oversight.config import ConfigError, Threshold, default_config, load_config


def test_default_config_has_the_statutory_deadlines():
    cfg = default_config()
    assert cfg.deadline_md("department") == (1, 31)
    assert cfg.deadline_md("government") == (3, 31)


def test_region_document_replaces_only_the_keys_it_names():
    cfg = load_config('deadlines: {department: "01-28"}\nsimilarity: {X005: 0.7}')
    assert cfg.deadline_md("department") == (1, 28)
    assert cfg.deadline_md("government") == (3, 31)          # kept from the default
    assert cfg.similarity.X005 == 0.7 and cfg.similarity.X002 == 0.5


def test_nearer_region_wins_over_outer_region():
    province = 'deadlines: {department: "01-25"}'
    city = 'deadlines: {department: "01-28"}'
    assert load_config(province, city).deadline_md("department") == (1, 28)
    assert load_config(province, None).deadline_md("department") == (1, 25)


def test_scorecard_section_is_replaced_whole():
    cfg = load_config("scorecard:\n  base: 50\n  items:\n    - {id: late, name: 迟报, per: late, points: -3}")
    assert cfg.scorecard.base == 50
    assert [i.id for i in cfg.scorecard.items] == ["late"]


@pytest.mark.parametrize("text, words", [
    ('deadlines: {department: "13-01"}', ["deadlines", "月-日"]),
    ('deadlines: {bureau: "01-28"}', ["未知的机关类型", "bureau"]),
    ("similarity: {X005: 1.5}", ["similarity.X005"]),
    ("indicators: {denial_rate: {yellow: 0.4, red: 0.2}}", ["indicators.denial_rate", "red"]),
    ("scorecard:\n  items:\n    - {id: a, name: 甲, per: late}\n    - {id: a, name: 乙, per: late}", ["重复", "a"]),
    ("colour: red", ["未知的配置项", "colour"]),
    ("deadlines: [", ["YAML", "行"]),
    ("- a\n- b", ["顶层"]),
])
def test_bad_configuration_names_the_key_in_chinese(text, words):
    with pytest.raises(ConfigError) as e:
        load_config(text)
    for w in words:
        assert w in str(e.value)


@pytest.mark.parametrize("direction, value, mark", [
    ("high", 0.05, None), ("high", 0.1, "yellow"), ("high", 0.25, "red"),
    ("low", 0.9, None), ("low", 0.5, "yellow"), ("low", 0.1, "red"),
])
def test_threshold_marks_by_direction(direction, value, mark):
    t = Threshold(yellow=0.1 if direction == "high" else 0.5, red=0.2 if direction == "high" else 0.3,
                  direction=direction)
    assert t.mark(value) == mark


def test_threshold_without_value_marks_nothing():
    assert Threshold(yellow=0.1, red=0.2).mark(None) is None


@pytest.mark.parametrize("text, message", [
    ("scorecard:\n  base: abc", "配置项 scorecard.base 有误：应为数字"),
    ("similarity: {X005: 1.5}", "配置项 similarity.X005 有误：应不大于 1.0"),
    ("indicators: {denial_rate: {direction: sideways}}", "配置项 indicators.denial_rate.direction 有误：应为 'high'、'low' 之一"),
    ("scorecard:\n  items:\n    - {id: a, per: late}", "配置项 scorecard.items[1].name 有误：缺少此项"),
])
def test_validation_messages_are_chinese_not_pydantics_english(text, message):
    with pytest.raises(ConfigError) as e:
        load_config(text)
    assert str(e.value) == message


def test_impossible_date_is_refused_and_chinese_date_accepted():
    with pytest.raises(ConfigError, match="02-30"):
        load_config("deadlines: {department: 02-30}")
    assert load_config('deadlines: {department: "1月28日"}').deadlines["department"] == "01-28"


def test_threshold_override_keeps_the_default_direction():
    cfg = load_config("indicators: {substantive_rate: {yellow: 0.78, red: 0.76}}")
    t = cfg.indicators["substantive_rate"]
    assert (t.yellow, t.red, t.direction) == (0.78, 0.76, "low")
    assert t.mark(0.77) == "yellow"
