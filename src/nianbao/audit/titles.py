"""Short Chinese names of the audit rules, for lists and charts that show a rule by more than its code
("T301 表三行合计" rather than a bare "T301"). The rule's full description is its docstring in the
registry (`nianbao rules`); a rule without a name here is named by its family (registry.FAMILIES).
"""
from __future__ import annotations

TITLES = {
    "T301": "表三各行总计与申请人之和不符",
    "T302": "表三办理结果总计与各项之和不符",
    "T303": "表三新收加结转与办理结果不平",
    "T304": "件数为负或非整数、收费为负",
    "T401": "表四复议诉讼总计与各项之和不符",
    "C001": "缺少正文部分",
    "C002": "缺少统计表",
    "C003": "表格单元格空白",
    "C004": "表格标签与规定格式不一致",
    "C005": "未说明信息处理费收取情况",
    "C006": "存在的主要问题及改进情况为空",
    "C007": "单元格无法读取",
    "D001": "统计期间有误",
    "D002": "未写明统计期间",
    "D003": "正文年份与报告年度不符",
    "D004": "未按时公开年度报告",
    "N001": "正文申请数与表三不符",
    "N002": "正文复议诉讼数与表四不符",
    "N003": "列举各项之和与总数不符",
    "N004": "列举中重复事项",
    "N005": "正文规章规范性文件数与表二不符",
    "N006": "称全部办结但表三有结转",
    "X001": "上年结转与上年报告不衔接",
    "X002": "正文与上年报告雷同",
    "X003": "主要数字较上年变化异常",
    "X004": "表二现行有效件数不衔接",
    "X005": "正文与同级机关报告雷同",
    "P001": "县级及以下机关填报规章",
    "R001": "本级报告与下级汇总不符",
    "R002": "下级报告不全",
    "A001": "转换残留（书签、标记、页码）",
    "A002": "存在无法识别的字符",
}


def rule_title(code: str) -> str:
    """The rule's short Chinese name; else its family's name (表内勾稽关系 …); else ""."""
    if code in TITLES:
        return TITLES[code]
    from .registry import FAMILIES

    return FAMILIES.get(code[:1], "")


def rule_label(code: str) -> str:
    """"T301 表三各行总计与申请人之和不符": code and name, for option lists and chart axes."""
    title = rule_title(code)
    return f"{code} {title}" if title else code
