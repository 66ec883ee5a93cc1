"""`nianbao demo`: the bundled samples and generated years end up in a fresh SQLite store."""
from __future__ import annotations

from nianbao.demo import SAMPLES, build_demo
from nianbao.store import open_store


def test_demo_stores_samples_and_two_generated_years(tmp_path):
    result, url, summary, hints = build_demo(tmp_path, jobs=1, agencies=3)
    samples = sorted(p.name for p in SAMPLES.iterdir() if p.is_file())
    assert samples and not result.failed
    assert result.count("stored") == len(samples) + 3 * 2
    with open_store(url) as s:
        assert hints["agency_years"] in {a.name for a in s.agencies() if len(a.years) == 2}
        assert s.count_reports() == len(samples) + 6
    assert any(x["code"].startswith("X") for x in summary)       # the second years were audited across years
    # run again: a fresh store, not an appended one
    again, *_ = build_demo(tmp_path, jobs=1, agencies=3)
    assert again.count("stored") == result.count("stored")
