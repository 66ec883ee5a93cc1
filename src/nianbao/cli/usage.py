"""Click's usage errors in Chinese: a user typing `--year abc` or forgetting `--reason` gets one
Chinese line and exit 2, like every other input error of the CLI.

Click words its errors in English through gettext and ships no Chinese catalog, so the errors are
rewritten from their structure (the parameter, the value) and, for the value checks of click's
types, from their fixed English sentences.
"""
from __future__ import annotations

import re
import sys

import typer

# the click typer runs on (recent typers carry their own copy of it): its exception classes
ce = sys.modules[typer.BadParameter.__module__]

_TYPE_MESSAGES = [      # click's and typer's (pydantic's) sentences → Chinese
    (re.compile(r"^Input should be a valid integer.*$"), "应为整数"),
    (re.compile(r"^Input should be a valid number.*$"), "应为数字"),
    (re.compile(r"^Input should be less than or equal to (?P<n>\S+?)\.?$"), "应不大于 {n}"),
    (re.compile(r"^Input should be greater than or equal to (?P<n>\S+?)\.?$"), "应不小于 {n}"),
    (re.compile(r"^Input should be less than (?P<n>\S+?)\.?$"), "应小于 {n}"),
    (re.compile(r"^Input should be greater than (?P<n>\S+?)\.?$"), "应大于 {n}"),
    (re.compile(r"^'?(?P<v>.*?)'? is not a valid (?:integer|float|int|number)\.?$"), "应为数字，而不是 {v}"),
    (re.compile(r"^(?P<v>.*?) is not in the range (?P<r>.+?)\.?$"), "{v} 超出范围 {r}"),
    (re.compile(r"^'(?P<v>.*?)' is not one of (?P<choices>.+?)\.?$"), "{v}（可选：{choices}）"),
    (re.compile(r"^'(?P<v>.*?)' is not (?P<choices>'.*')\.?$"), "{v}（可选：{choices}）"),
    (re.compile(r"^'?(?P<v>.*?)'? is not a valid boolean\.?$"), "{v} 应为 true 或 false"),
    (re.compile(r"^\w+ '(?P<v>.*)' does not exist\.?$"), "{v} 不存在"),
    (re.compile(r"^\w+ '(?P<v>.*)' is a file\.?$"), "{v} 是文件，应为目录"),
    (re.compile(r"^\w+ '(?P<v>.*)' is a directory\.?$"), "{v} 是目录，应为文件"),
    (re.compile(r"^\w+ '(?P<v>.*)' is not readable\.?$"), "{v} 没有读取权限"),
    (re.compile(r"^\w+ '(?P<v>.*)' is not writable\.?$"), "{v} 没有写入权限"),
    (re.compile(r"^'?(?P<v>.*?)'? does not match the formats? (?P<c>.+?)\.?$"), "{v} 格式不对（应为 {c}）"),
]


def _param(e: ce.UsageError) -> str:
    param = getattr(e, "param", None)
    if param is not None:
        opts = [o for o in getattr(param, "opts", []) if o.startswith("--")] or list(getattr(param, "opts", []))
        if opts and getattr(param, "param_type_name", "") == "option":
            return opts[0]
        return (getattr(param, "human_readable_name", None) or param.name or "").upper()
    hint = getattr(e, "param_hint", None)
    if isinstance(hint, (list, tuple)):
        return " / ".join(hint)
    return str(hint or "").strip("'\"")


def choices_text(choices) -> str:
    """Choices as the CLI names them: error、warning、info、never."""
    return "、".join(str(c) for c in choices)


def choice_error(option: str, value: str, choices) -> str:
    """The one line for a value not among an option's choices, the same for every option:
    「--fail-on 的值无效：bogus（可选：error、warning、info、never）」."""
    return f"{option} 的值无效：{value}（可选：{choices_text(choices)}）"


def _value_message(message: str) -> str:
    # typer validates through pydantic, whose messages may carry its error kind ("Value error, …")
    text = re.sub(r"^Value error,\s*", "", message.strip())
    for pattern, chinese in _TYPE_MESSAGES:
        m = pattern.match(text)
        if m:
            groups = {k: v.strip("'") for k, v in m.groupdict().items()}
            if "choices" in groups:       # "'error', 'warning', 'info'" → error、warning、info
                groups["choices"] = choices_text(re.findall(r"'([^']*)'", m.group("choices")))
            return chinese.format(**groups)
    return text


def _how(e: ce.UsageError) -> str:
    ctx = e.ctx
    return f"（{ctx.command_path} --help 查看用法）" if ctx is not None else ""


def chinese_usage_error(e: ce.UsageError) -> str:
    """One Chinese line for a click usage error."""
    if isinstance(e, ce.MissingParameter):
        kind = "参数" if "argument" in (getattr(e.param, "param_type_name", ""), e.param_type) else "选项"
        what = f"缺少{kind} {_param(e)}"
    elif isinstance(e, ce.NoSuchOption):
        near = "、".join(sorted(e.possibilities or ()))
        what = f"没有选项 {e.option_name}" + (f"（是否想用 {near}）" if near else "")
    elif isinstance(e, getattr(ce, "NoSuchCommand", ())):       # click's own; typer's copy has none
        near = "、".join(sorted(e.possibilities or ()))
        what = f"没有命令 {e.command_name}" + (f"（是否想用 {near}）" if near else "")
    elif isinstance(e, ce.BadOptionUsage):
        if "requires an argument" in e.message:
            what = f"选项 {e.option_name} 需要一个值"
        else:
            what = f"选项 {e.option_name} 用法有误：{e.message}"
    elif isinstance(e, ce.BadParameter):
        what = f"{_param(e)} 的值无效：{_value_message(e.message)}"
    else:
        m = (re.match(r"Got unexpected extra arguments? \((.*)\)", e.message)
             or re.match(r"No such command '(.+?)'\.(?: Did you mean '(.+?)'\?)?", e.message))
        if m and e.message.startswith("Got"):
            what = f"多余的参数：{m.group(1)}"
        elif m:
            what = f"没有命令 {m.group(1)}" + (f"（是否想用 {m.group(2)}）" if m.group(2) else "")
        else:
            what = _value_message(e.message)
    return what + _how(e)
