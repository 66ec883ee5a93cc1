"""Every rule has a short Chinese name, shown by `nianbao rules` and the web beside its code."""
from typer.testing import CliRunner

from nianbao.audit.registry import rules
from nianbao.audit.titles import TITLES
from nianbao.cli import app


def test_every_registered_rule_has_a_chinese_title():
    missing = [r.code for r in rules() if r.code not in TITLES]
    assert missing == []


def test_rules_table_names_rules_in_chinese_and_json_carries_the_title():
    out = CliRunner().invoke(app, ["rules"]).output
    assert "正文与同级机关报告雷同" in out and "Checks the" not in out
    js = CliRunner().invoke(app, ["rules", "--json"]).output
    assert '"title": "本级报告与下级汇总不符"' in js
