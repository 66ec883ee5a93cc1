"""Regional oversight: what a city's or province's 政务公开 office asks of all its agencies' reports.

- `config`      a jurisdiction's configuration (YAML): deadlines, similarity thresholds, indicator
                thresholds, the scorecard scheme; the nearest region's document applies.
- `registry`    the region tree and the agencies expected to publish in each (CSV/XLSX import).
- `scope`       which reports a region is (registry subtree, else the store's region text, else
                unknown): the one answer every `--region` / `?region=` filter uses.
- `deadlines`   which publication deadline applies to an agency (条例第四十九条, or the region's own).
- `missing`     per region and year: expected, published, late, missing.
- `indicators`  risk indicators (实质公开率, 不予公开率, 复议纠错率 …) with red/yellow marks.
- `similarity`  copied text between reports (MinHash LSH), for X002 and X005.
- `rollup`      a government's area report against the sum of its departments and sub-regions (R rules).
- `regional`    the regional pass: re-runs the rules that depend on the registry and on other
                reports (D004, X002, X005, R001, R002) for what a new or deleted report touches.
- `scorecard`   a jurisdiction's scheme turning findings, lateness and indicators into a ranking.
"""
