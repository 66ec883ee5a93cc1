"""Report → text: synthetic reports (synthetic.py) and renderers to the layouts real conversions
produce (text.py), plus a clean official-format Markdown draft (`render_markdown`)."""
from __future__ import annotations

from .synthetic import Agency, perturb, random_agency, random_report, sample_reports

__all__ = ["Agency", "perturb", "random_agency", "random_report", "sample_reports"]
