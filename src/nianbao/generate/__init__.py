"""Report → documents. synthetic.py makes realistic reports (tests, bench); text.py renders them as
the text layouts real conversions produce and as a clean official-format Markdown draft;
layout.py/docx.py/html.py render the official layout as DOCX and HTML."""
from __future__ import annotations

from .synthetic import Agency, perturb, perturb_narrative, random_agency, random_report, sample_reports
from .text import LAYOUTS, Style, render, render_bytes, render_markdown

__all__ = ["Agency", "LAYOUTS", "Style", "perturb", "perturb_narrative", "random_agency", "random_report", "render",
           "render_bytes",
           "render_markdown", "sample_reports"]
