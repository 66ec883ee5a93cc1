"""Table 四 in the text: 行政复议 and 行政诉讼 against the agency about its disclosure, and
their results (维持, 纠正).

"因政府信息公开被申请行政复议 N 件、被提起行政诉讼 M 件", "没有因政府信息公开申请引起的行政复议、
行政诉讼" (0 for both), "…行政复议2件，其中维持1件，纠正1件" (review.maintained / review.corrected),
"未发生因政府信息公开被行政复议纠错或行政诉讼败诉的情况" (corrected 0 for both). Not the agency as
复议机关, not an area's cases, not all cases of which the disclosure ones are a part.
"""
from __future__ import annotations

import re

from ...model import CountData
from ...model import FactKind as K
from .context import Ctx
from .applications import PLAN, dated_event
from .tokens import Count, Sentence, clause_rest, other_year
from .vetoes import veto

# ------------------------------------------------------------------ keywords (data)
REVIEW_CONTEXT = re.compile(r"信息公开|依申请公开")
AGAINST_AGENCY = re.compile(r"因|引起|引发|被申请|被提起|被起诉|提起|针对本|涉及本")
# "全年共发生政府信息公开行政复议案件2件" — unless it counts a whole area's cases (全市共发生…)
OCCURRED = re.compile(r"发生")
# the agency as respondent: "被申请行政复议N件，被提起行政诉讼M件" needs no 信息公开 in the sentence —
# in sections 一 and 四 of a disclosure report, unless the sentence names other work
PASSIVE_REVIEW = re.compile(r"被申请(?:行政)?复议|被(?:提起|起诉)(?:行政)?诉讼|被诉")
PASSIVE_SECTIONS = frozenset({1, 4, None})
WORK = re.compile(r"执法|处罚|许可|征收|征地|拆迁|强制|法治|法律援助|信访")
AREA = re.compile(r"全区|全市|全县|全省|全州|全旗|各部门|各乡镇|各街道|各单位|各区|各县|(?:区|市|县)直")
OTHER_WORK = re.compile(f"{WORK.pattern}|{AREA.pattern}")
NOT_DISCLOSURE = re.compile(r"不涉及|无关|不属于|并非|均非")
PART_AFTER = re.compile(r"[^。]*?其中[^。]{0,12}?(?:信息公开|依申请公开)")
PART_AFTER_UNLESS_BEFORE = re.compile(r"[^。]*?(?:涉及|有关|相关|属于)[^。,;]{0,10}?(?:信息公开|依申请公开)")
EACH_BOTH = re.compile(r"复议[、和及与]{1,2}(?:被)?(?:提起|起诉)?(?:行政)?诉讼(?:案件)?(?:均为|各)$")
# straight after the applications statement: "…申请1234件。行政复议12件，行政诉讼5件。"
REVIEW_BARE = re.compile(r"[,]?(?:全年|本年度?|共)?(?:发生)?(?:行政复议|行政诉讼)")
HANDLED = re.compile(r"受理|审理|审结|办理|办结|收到|接到|其中|较|同比|增加|减少|代理|应诉|第三人|半年|季度|"
                     r"作为[^,;。]{0,6}复议机关")
RECEIVED = re.compile(r"收到|接到")
ARISING = re.compile(r"因|引起|引发|针对")
HANDLED_NOT_RECEIVED = re.compile(HANDLED.pattern.replace("收到|接到|", ""))
UNCERTAIN_ZERO_RECEIVED = "“未收到…行政复议”也可能指本机关作为复议机关未收到复议申请"
DECIDES = re.compile(r"受理|审理|审结|代理|应诉|第三人|复议机关")
# other results and documents of cases, in the count's own clause ("撤销1件", "…决定；行政诉讼1件")
OTHER_RESULT = re.compile(r"败诉|胜诉|撤销|驳回|确认违法|撤回|终止|决定|文书")
# the results table 四 has columns for
RESULTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("maintained", re.compile(r"(?:结果)?维持(?:原)?(?:答复|决定)?(?:的)?$")),
    ("corrected", re.compile(r"(?:结果)?(?:被)?(?:纠正|纠错)(?:的)?$")),
)
RESULT_WORD = re.compile(r"维持|纠正|纠错")
BOTH_JOINED = re.compile(r"复议[^,;。]{0,8}?[、和及与或][^,;。]{0,6}?诉讼")
ZERO_REVIEW = re.compile(
    r"(?:没有|未|无|未发生|未出现|未有|不存在)(?P<span>[^。,;]{0,30}?)(?P<a>行政复议|行政诉讼)"
    r"(?:(?:、|和|及|或|与|以及)[^,;。]{0,6}?(?:行政)?(?P<b>复议|诉讼))?")
# "未发生…被纠错的情况": no 纠错 (corrected 0), not no review
ZERO_RESULT_REST = re.compile(r"纠错|败诉|撤销|确认违法|违法|纠正")
ZERO_CORRECTED_NEXT = re.compile(r"^(?:被)?(?:纠错|纠正|败诉)")
ZERO_LIT_LOST = re.compile(r"诉讼败诉")
UNITS = ("件", "起", "个", "宗", "例")

UNCERTAIN_PASSIVE = "句中没有写明与政府信息公开有关，按第一、四部分的“被申请行政复议/被提起行政诉讼”读取"
UNCERTAIN_BARE = "本句没有写明与政府信息公开有关，承接上一句的申请读取"
UNCERTAIN_RESULT = "结果（维持/纠正）归于句中在它之前最近提到的行政复议或行政诉讼"
UNCERTAIN_ZERO_RESULT = "由否定句（未发生…纠错/败诉）读出的 0"


# ------------------------------------------------------------------ vetoes
@veto("unit_not_cases", family="review_litigation", example="因政府信息公开被申请行政复议，涉及政府信息12条。")
def unit_not_cases(c: Count) -> bool:
    """What it does:
    Rejects a figure whose unit counts no cases (条, 份, 篇, 项): only 件, 起, 个, 宗, 例 do.

    Why it matters:
    Twelve items of information may be at issue in one case; table 四 counts cases.
    """
    return c.unit not in UNITS


@veto("review_not_disclosure", family="review_litigation", example="本年度被提起行政诉讼6件，均与政府信息公开无关。")
def review_not_disclosure(s: str) -> bool:
    """What it does:
    Rejects a sentence that says its cases are not about disclosure (不涉及, 无关, 不属于).

    Why it matters:
    Table 四 counts only cases about the agency's information disclosure.
    """
    return NOT_DISCLOSURE.search(s) is not None


@veto("review_of_other_work", family="review_litigation", example="全年行政执法案件被申请行政复议12件，被提起行政诉讼5件。")
def review_of_other_work(text: str) -> bool:
    """What it does:
    Rejects cases about other work: 执法, 处罚, 许可, 征收, 拆迁, 法律援助, 信访.

    Why it matters:
    An agency's cases on everything are no cell of its disclosure table 四.
    """
    return WORK.search(text) is not None


@veto("review_of_area", family="review_litigation", example="全市共发生政府信息公开行政复议案件120件、行政诉讼案件45件。")
def review_of_area(text: str) -> bool:
    """What it does:
    Rejects a whole area's cases (全市, 全区, 各部门, 区直): the sum over many agencies.

    Why it matters:
    Table 四 counts the cases against the reporting agency only.
    """
    return AREA.search(text) is not None


@veto("review_handled_by_agency", family="review_litigation",
      example="全年因政府信息公开被申请行政复议0件，较上年减少1件。")
def review_handled_by_agency(window: str) -> bool:
    """What it does:
    Rejects cases the agency handles (受理, 审理, 审结, 作为复议机关, 应诉, 第三人) and
    comparisons (较, 同比), parts (其中) and parts of the year (半年, 季度).

    Why it matters:
    Table 四 counts cases against the agency, not those it decides as 复议机关.
    """
    return HANDLED.search(window) is not None


@veto("results_of_cases_decided", family="review_litigation",
      example="本年度，我局作为复议机关因政府信息公开被申请人提起的行政复议案件维持3件。")
def results_of_cases_decided(before: str) -> bool:
    """What it does:
    Rejects results (维持/纠正 N 件) in a sentence where the agency decides or tries cases
    (作为复议机关, 受理, 审理, 审结, 应诉, 第三人).

    Why it matters:
    The results of cases the agency decides are not the results of cases against it.
    """
    return DECIDES.search(before) is not None


@veto("review_other_result", family="review_litigation",
      example="因政府信息公开被申请行政复议2件，撤销1件。")
def review_other_result(clause: str) -> bool:
    """What it does:
    Rejects a count of results table 四 has no single column for, or of decisions: 撤销, 驳回,
    败诉, 胜诉, 撤回, 终止, 决定书, 文书.

    Why it matters:
    "撤销1件" is one case's result, not the number of cases.
    """
    return OTHER_RESULT.search(clause) is not None


@veto("review_part_follows", family="review_litigation", example="2023年，我局共被申请行政复议5件，其中政府信息公开类1件。")
def review_part_follows(s: str, c: Count) -> bool:
    """What it does:
    Rejects a count of all cases of which the disclosure ones follow as a part ("被申请行政复议5件，
    其中政府信息公开类1件", "…涉及政府信息公开的0件").

    Why it matters:
    The total of all cases is not the disclosure cases of table 四.
    """
    if PART_AFTER.match(s, c.end):
        return True
    return PART_AFTER_UNLESS_BEFORE.match(s, c.end) is not None and not REVIEW_CONTEXT.search(s, 0, c.start)


@veto("review_unpaired", family="review_litigation", example="因政府信息公开被申请行政复议、提起行政诉讼的案件共3件。")
def review_unpaired(tail: str, clause: str) -> bool:
    """What it does:
    Rejects a figure that does not say which of 行政复议 and 行政诉讼 it counts: "复议、诉讼
    分别为…" left unpaired, "复议、诉讼的案件共3件" (the two together), and parts of 行政诉讼
    ("复议后起诉1件").

    Why it matters:
    Compared with either cell it would be wrong.
    """
    if "分别" in tail:
        return True
    if "起诉" in tail and "诉讼" not in tail:
        return True
    return not EACH_BOTH.search(tail) and BOTH_JOINED.search(clause) is not None


@veto("zero_review_about_other", family="review_litigation",
      example="本年度未收到政府信息公开申请，未收到行政复议申请。")
def zero_review_about_other(span: str, s: str) -> bool:
    """What it does:
    Rejects "没有…行政复议" that does not tie the cases to the agency's disclosure (因, 引起,
    被申请, 信息公开) or that is about cases the agency handles (受理, 审理, 作为复议机关);
    "未收到…行政复议" only when the cases are said to arise from disclosure (因…引起).

    Why it matters:
    "未收到行政复议申请" may be said by a 复议机关 of its caseload.
    """
    if not AGAINST_AGENCY.search(span) and not REVIEW_CONTEXT.search(span):
        return True
    if RECEIVED.search(span) and (not ARISING.search(span) or "复议机关" in s):
        return True
    return HANDLED_NOT_RECEIVED.search(span) is not None or OTHER_RESULT.search(span) is not None \
        or RESULT_WORD.search(span) is not None


# ------------------------------------------------------------------ reading
def gate(s: str, ctx: Ctx) -> str | None:
    """Whether the sentence's 行政复议/行政诉讼 are those against the agency about its disclosure:
    None when not, "" when it says so, or why the reading is uncertain."""
    if review_not_disclosure(s):
        return None
    if REVIEW_CONTEXT.search(s):
        if AGAINST_AGENCY.search(s):
            return None if review_of_area(s) else ""
        if OCCURRED.search(s):
            return None if review_of_other_work(s) or review_of_area(s) else ""
    other = review_of_other_work(s) or review_of_area(s)
    if (ctx.section in PASSIVE_SECTIONS or ctx.review_cont) and PASSIVE_REVIEW.search(s) and not other:
        return UNCERTAIN_PASSIVE
    if ctx.cont and REVIEW_BARE.match(s) is not None and not PLAN.search(s) and not other:
        return UNCERTAIN_BARE
    return None


def read(sent: Sentence, ctx: Ctx) -> None:
    s = sent.text
    if "复议" not in s and "诉讼" not in s and "被诉" not in s:
        ctx.review_cont = False
        return
    reason = gate(s, ctx)
    ctx.review_cont = reason == ""    # "行政复议方面：因政府信息公开…2件。行政诉讼方面：被提起…6件。"
    if reason is not None:
        _counts(sent, ctx, reason)
    # "没有因政府信息公开申请引起的行政复议" — about disclosure, or the agency as respondent in 一/四
    about = REVIEW_CONTEXT.search(s) or (ctx.section in PASSIVE_SECTIONS and PASSIVE_REVIEW.search(s))
    if about and not NOT_DISCLOSURE.search(s) and not WORK.search(s):
        _zeros(s, ctx)


@veto("result_of_both", family="review_litigation",
      example="因政府信息公开被申请行政复议2件，被提起行政诉讼2件，其中结果被纠正1件。")
def result_of_both(before: str) -> bool:
    """What it does:
    Rejects a result (维持/纠正 N 件) after a statement naming both 行政复议 and 行政诉讼 with no
    "；" between: it may be of either, or of both together.

    Why it matters:
    Given to the wrong one it is compared with the wrong cells of table 四.
    """
    seg = before[before.rfind(";") + 1:]
    return "复议" in seg and "诉讼" in seg


def _result(c: Count, s: str) -> tuple[str, str] | None:
    """("review"|"litigation", "maintained"|"corrected") for "其中维持1件", "经复议维持2件"."""
    for col, pat in RESULTS:
        if pat.search(c.clause):
            before = s[:c.start]
            i, j = before.rfind("复议"), before.rfind("诉讼")
            if (i < 0 and j < 0) or result_of_both(before):
                return None
            return ("review" if i > j else "litigation"), col
    return None


def _counts(sent: Sentence, ctx: Ctx, reason: str) -> None:
    s = sent.text
    for c in sent.counts:
        if unit_not_cases(c):
            continue
        window = c.window
        if other_year(window, ctx.year) or review_of_other_work(window) or dated_event(c):
            continue   # "5月8日，申请人…提起行政诉讼1件": one case told, not the year's
        clause = c.clause
        if RESULT_WORD.search(clause):
            res = _result(c, s)
            if res and not review_other_result(clause) and not results_of_cases_decided(c.before):
                group, col = res
                ctx.add(K(f"{group}.{col}"), c.value, s, reason=UNCERTAIN_RESULT)
            continue
        if review_handled_by_agency(window):
            continue
        if review_other_result(clause) or review_part_follows(s, c):
            continue
        tail = window[-12:]
        if review_unpaired(tail, clause):
            continue
        if EACH_BOTH.search(window):           # "被申请行政复议、提起行政诉讼各0件"
            ctx.add(K.REVIEW_TOTAL, c.value, s, reason=reason)
            ctx.add(K.LITIGATION_TOTAL, c.value, s, reason=reason)
        elif "复议" in tail and "诉讼" not in tail[tail.rfind("复议"):]:
            ctx.add(K.REVIEW_TOTAL, c.value, s, reason=reason)
        elif "诉讼" in tail:
            ctx.add(K.LITIGATION_TOTAL, c.value, s, reason=reason)


def _zeros(s: str, ctx: Ctx) -> None:
    for m in ZERO_REVIEW.finditer(s):
        if zero_review_about_other(m.group("span"), s):
            continue
        reason = UNCERTAIN_ZERO_RECEIVED if RECEIVED.search(m.group("span")) else ""
        kinds = {m.group("a")[-2:]} | ({m.group("b")} if m.group("b") else set())
        rest = clause_rest(s, m.end("a"))
        if ZERO_RESULT_REST.search(rest):
            # "未发生…被申请行政复议被纠错的情况": no case corrected, which is a 0 of its own
            corrected = set()
            if ZERO_CORRECTED_NEXT.search(rest):
                corrected |= {"复议"} if "复议" in kinds and not rest.startswith(("败诉", "被败诉")) else set()
                corrected |= {"诉讼"} if "诉讼" in kinds and "败诉" in rest[:3] else set()
            if ZERO_LIT_LOST.search(rest):
                corrected.add("诉讼")
            for k in sorted(corrected):
                ctx.add(K.REVIEW_CORRECTED if k == "复议" else K.LITIGATION_CORRECTED, 0, s,
                        CountData(zero_phrase=True), reason=UNCERTAIN_ZERO_RESULT)
            continue
        if "复议" in kinds:
            ctx.add(K.REVIEW_TOTAL, 0, s, CountData(zero_phrase=True), reason=reason)
        if "诉讼" in kinds:
            ctx.add(K.LITIGATION_TOTAL, 0, s, CountData(zero_phrase=True), reason=reason)
