"""Years of reports in SQLite (default, ./nianbao.db) or PostgreSQL: see store.py for the API.

    from nianbao.store import open_store
    with open_store("sqlite:///nianbao.db") as store:
        store.save_report(report)
"""
from .db import resolve_url
from .store import AgencyInfo, ReportInfo, SaveResult, Store, StoredReport, open_store, report_sha256

__all__ = ["open_store", "Store", "ReportInfo", "StoredReport", "AgencyInfo", "SaveResult", "resolve_url",
           "report_sha256"]
