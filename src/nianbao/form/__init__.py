"""The official forms as data: the one place any module learns a label, a cell name, a merged
layout or the arithmetic of tables 二, 三 and 四.

    from nianbao.form import FORM_2021, form_for
    form_for(report.format).cell_name("tables.applications.granted.total")   # "表三·（一）予以公开·总计"

- `spec.py`      the vocabulary (Form, TableForm, Row, Column, Identity, Slot)
- `form2021.py`  国办公开办函〔2021〕30号
- `form2019.py`  the 2019 layout (reports for 2019 and 2020; its own cells under tables.legacy)
- `text.py`      label normalisation (printed variants compare equal)

A new version of the form is a new module here, added to FORMS.
"""
from __future__ import annotations

from . import form2019, form2021
from .spec import Column, Form, Identity, Row, Slot, TableForm
from .text import CHINESE_ORDINALS, normalize_label

FORM_2021: Form = form2021.FORM
FORM_2019: Form = form2019.FORM
FORMS: dict[str, Form] = {f.version: f for f in (FORM_2021, FORM_2019)}


def form_for(version: str | None) -> Form:
    """The form a report's `format` names (the 2021 form when unknown)."""
    return FORMS.get(version or "", FORM_2021)


__all__ = ["CHINESE_ORDINALS", "Column", "FORMS", "FORM_2019", "FORM_2021", "Form", "Identity", "Row", "Slot",
           "TableForm", "form_for", "normalize_label"]
