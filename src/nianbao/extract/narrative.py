"""Numbers the narrative states (applications, 行政复议/诉讼, enumerations, 规章/规范性文件 …).

Placeholder interface; the implementation comes with the audit issue.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..document import Loc
from ..model import NarrativeFact


def extract_narrative(paragraphs: Sequence[tuple[int | None, str, Loc]], year: int | None) -> list[NarrativeFact]:
    """Facts stated in the text. `paragraphs` are (section no or None, text, position) in reading order."""
    return []
