"""Fuzzing the readers (issue 13): mutated files of every format (text, HTML, DOCX, PDF) end in a
report or in the project's InputError — never another exception, never a hang, never a runaway
in memory — and one damaged byte in a text or HTML report still yields its tables.

Derandomized: the mutations come from a fixed seed (NIANBAO_FUZZ_SEED to explore others,
NIANBAO_FUZZ_CASES for more cases per file). The mutated files are parsed in a child process
with a CPU-time alarm per file and a cap on its address space; the child's peak RSS is checked.
The whole test stays well under 60 s on one core.
"""
from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = int(os.environ.get("NIANBAO_FUZZ_SEED", "13"))
CASES = int(os.environ.get("NIANBAO_FUZZ_CASES", "0"))      # 0: the default budget per format
PER_FILE_SECONDS = 20          # the alarm for one mutated file (the slowest clean PDF takes ~1.5 s)
MEMORY_CAP = 4 * 2**30         # address space of the child (a guard; the assertion is on RSS)
PEAK_RSS_MB = 1024

# (format, files, mutations per file): PDFs are the slow ones
BUDGET = {"text": 6, "html": 8, "docx": 8, "pdf": 5}


def corpus() -> dict[str, list[Path]]:
    formats = ROOT / "tests/fixtures/formats"
    return {
        "text": sorted((ROOT / "src/nianbao/samples").glob("*.txt")) + sorted(formats.glob("*.txt")),
        "html": sorted(formats.glob("*.html")),
        "docx": sorted(formats.glob("*.docx")),
        "pdf": [formats / "synth2021.pdf", formats / "synth2019a.pdf"],
    }


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One mutation of `data`: what a broken download, a bad disk or a careless tool does."""
    n = len(data)
    i = rng.randrange(n)
    j = min(n, i + rng.randrange(1, 4096))
    kind = rng.choice(["flip", "byte", "insert", "delete", "truncate", "duplicate", "zero", "swap", "burst"])
    if kind == "flip":
        return kind, data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:]
    if kind == "byte":
        return kind, data[:i] + bytes([rng.randrange(256)]) + data[i + 1:]
    if kind == "insert":
        return kind, data[:i] + rng.randbytes(rng.randrange(1, 64)) + data[i:]
    if kind == "delete":
        return kind, data[:i] + data[j:]
    if kind == "truncate":
        return kind, data[:i]
    if kind == "duplicate":
        return kind, data[:j] + data[i:j] * rng.randrange(2, 50) + data[j:]
    if kind == "zero":
        return kind, data[:i] + bytes(j - i) + data[j:]
    if kind == "swap":
        k = rng.randrange(n)
        a, b = sorted((i, k))
        return kind, data[:a] + data[b:b + 64] + data[a + 64:b] + data[a:a + 64] + data[b + 64:]
    b = bytearray(data)                       # burst: many random bytes over the file
    for _ in range(rng.randrange(2, 200)):
        b[rng.randrange(n)] = rng.randrange(256)
    return kind, bytes(b)


def one_byte_damage(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """A single damaged byte: an invalid byte (0xFF is never valid in UTF-8 nor GB18030), a NUL, or the
    file cut one byte into its last character."""
    kind = rng.choice(["invalid", "nul", "cut"])
    i = rng.randrange(len(data))
    if kind == "invalid":
        return kind, data[:i] + b"\xff" + data[i:]
    if kind == "nul":
        return kind, data[:i] + b"\x00" + data[i:]
    # a download cut in the middle of a character: everything up to the last non-ASCII character,
    # and that character without its last byte (in the file's own encoding)
    from nianbao.readers.encoding import decode

    d = decode(data)
    c = max(k for k, ch in enumerate(d.text) if ch > "\x7f")
    return kind, d.text[:c].encode(d.encoding) + d.text[c].encode(d.encoding)[:-1]


class _Alarm(Exception):
    pass


def _child(seed: int, cases: int) -> None:
    """Runs in the child process: one JSON line per mutated file."""
    from nianbao import api
    from nianbao.errors import InputError

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    def alarm(*_):
        raise _Alarm

    signal.signal(signal.SIGALRM, alarm)
    rng = random.Random(seed)
    for fmt, files in corpus().items():
        for f in files:
            data = f.read_bytes()
            for _ in range(cases or BUDGET[fmt]):
                kind, bad = mutate(data, rng)
                out = {"file": f.name, "fmt": fmt, "kind": kind}
                signal.alarm(PER_FILE_SECONDS)
                t = time.perf_counter()
                try:
                    api.audit(api.parse_bytes(bad, f.name))
                    out["result"] = "report"
                except InputError:
                    out["result"] = "input_error"
                except _Alarm:
                    out["result"] = "timeout"
                except BaseException as e:  # noqa: BLE001 — exactly what the test looks for
                    out["result"] = f"{type(e).__name__}: {str(e)[:200]}"
                finally:
                    signal.alarm(0)
                out["seconds"] = round(time.perf_counter() - t, 2)
                print(json.dumps(out, ensure_ascii=False), flush=True)
    print(json.dumps({"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}), flush=True)


def test_mutated_files_of_every_format_end_in_a_report_or_input_error():
    code = (f"import sys; sys.path.insert(0, {str(ROOT / 'tests')!r}); "
            f"import test_fuzz; test_fuzz._child({SEED}, {CASES})")
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    *results, last = [json.loads(line) for line in proc.stdout.splitlines()]
    assert {r["fmt"] for r in results} == {"text", "html", "docx", "pdf"}
    bad = [r for r in results if r["result"] not in ("report", "input_error")]
    assert not bad, f"seed {SEED}: {bad[:5]}"
    assert not proc.stderr.strip(), proc.stderr[-2000:]       # no library noise either
    assert last["peak_rss_mb"] < PEAK_RSS_MB, f"fuzz child peaked at {last['peak_rss_mb']} MB"
    assert time.perf_counter() - t < 120


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_one_damaged_byte_in_a_text_or_html_report_still_yields_its_tables(fmt):
    from nianbao import api

    rng = random.Random(SEED + 1)
    for f in corpus()[fmt]:
        data = f.read_bytes()
        want = api.parse_bytes(data, f.name).extraction.tables_found
        for _ in range(6):
            kind, bad = one_byte_damage(data, rng)
            report = api.parse_bytes(bad, f.name)
            assert set(report.extraction.tables_found) >= set(want), (f.name, kind)
            rc = report.extraction.replaced_chars
            assert rc is not None and 1 <= rc.count <= 4, (f.name, kind, rc)   # a NUL can split a character
