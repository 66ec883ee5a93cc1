"""The review panel in a real browser (Debian's chromium driven by Playwright): keyboard shortcuts
move between findings, confirm one, and dismiss one after asking for the reason."""
from __future__ import annotations

import re

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from test_browser_web import CHROMIUM_ARGS, ensure_chromium, free_port

pytestmark = pytest.mark.browser

CLI = [sys.executable, "-c", "from nianbao.cli import main; main()"]
SAMPLES = Path(__file__).resolve().parents[1] / "src" / "nianbao" / "samples"
PASSWORD = "browser-test-password"


@contextmanager
def served(db: str, tmp_path: Path) -> Iterator[str]:
    """`nianbao serve` on a store with the reviewer account, until the block ends: its base URL."""
    subprocess.run([*CLI, "user", "add", "审核员", "--db", db, "--password-stdin"], input=PASSWORD + "\n",
                   text=True, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([*CLI, "serve", "--db", db, "--port", str(port), "--data-dir", str(tmp_path / "f")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        # several server processes (one per CPU) each load the app: on a busy 2-core machine the
        # first answer can take 15 s
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=1)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("nianbao serve did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(10)


def test_keyboard_moves_confirms_and_dismisses_with_a_reason(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    db = f"sqlite:///{tmp_path / 'n.db'}"
    out = subprocess.run([*CLI, "ingest", str(SAMPLES / "001_9944da9601cf06f9.txt"), "--db", db, "-j", "1",
                          "--json"], text=True, check=True, capture_output=True).stdout
    rid = __import__("json").loads(out)["reports"][0]["report_id"]
    with served(db, tmp_path) as base:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(base + "/login")
            page.fill("input[name=name]", "审核员")
            page.fill("input[name=password]", PASSWORD)
            page.click("form button[type=submit] >> nth=-1")
            page.goto(f"{base}/reports/{rid}")
            page.wait_for_selector("#review tr.current")
            rows = page.locator("#review tr[id^=rf]")
            assert rows.count() >= 2
            page.keyboard.press("j")
            second = page.locator("#review tr.current").get_attribute("id")
            assert second == rows.nth(1).get_attribute("id")
            page.keyboard.press("c")
            expect(page.locator(f"#{second} .decision")).to_contain_text("确认")
            page.keyboard.press("k")
            # a key pressed before the new panel settles waits for it (review.js): read the current row
            # once "k" has moved it, not while the panel is still being replaced
            first = rows.nth(0).get_attribute("id")
            expect(page.locator(f"#{first}")).to_have_class(re.compile(r"\bcurrent\b"))
            page.keyboard.press("f")
            reason = page.locator(f"#{first} input[name=reason]")
            assert reason.evaluate("el => el === document.activeElement")
            reason.type("表格读错")
            page.keyboard.press("Enter")
            expect(page.locator(f"#{first} .decision")).to_contain_text("误报")
            assert "表格读错" in page.locator(f"#{first}").inner_text()
            browser.close()


def _versions(tmp_path: Path) -> tuple[Path, Path]:
    """A report with two broken cells (v1) and its corrected version with one of them fixed (v2)."""
    import random

    from nianbao.generate.synthetic import perturb, random_report
    from nianbao.generate.text import render_bytes

    base = random_report(random.Random(6), year=2023)
    base.meta.agency = "中卫市沙坡头区司法局"
    fixed_one, _ = perturb(base, random.Random(42))
    both, _ = perturb(fixed_one, random.Random(43))
    v1, v2 = tmp_path / "年报.txt", tmp_path / "年报（整改后）.txt"
    v1.write_bytes(render_bytes(both, "tabs", seed=1))
    v2.write_bytes(render_bytes(fixed_one, "tabs", seed=1))
    return v1, v2


def test_the_review_loop_end_to_end_in_the_browser(tmp_path):
    """Upload → findings → confirm and dismiss → return with a 整改通知 → upload the corrected version
    → decisions carried over, the fixed finding 已整改 → pass; the trail shows every step."""
    from playwright.sync_api import expect, sync_playwright

    v1, v2 = _versions(tmp_path)
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with served(db, tmp_path) as base:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base + "/upload")
            page.fill("input[name=name]", "审核员")
            page.fill("input[name=password]", PASSWORD)
            page.click("form.card button[type=submit]")
            page.wait_for_url(base + "/upload")

            def upload(path: Path) -> None:
                page.goto(base + "/upload")
                page.set_input_files("input[type=file]", str(path))
                page.click("#upload-form button[type=submit]")
                expect(page.locator("section.job[data-finished=yes]")).to_be_visible(timeout=30_000)
                page.click("section.job tr.state-done a")
                page.wait_for_url("**/reports/*")

            upload(v1)
            page.wait_for_selector("#review tr.current")
            rows = page.locator("#review tr[id^=rf]")
            n = rows.count()
            assert n >= 2
            ids = [rows.nth(i).get_attribute("id") for i in range(n)]
            for i in range(n - 1):                       # confirm all but the last, which is dismissed
                page.keyboard.press("c")
                expect(page.locator(f"#{ids[i]} .decision")).to_contain_text("确认")
                page.keyboard.press("j")
            page.keyboard.press("f")
            page.locator(f"#{ids[-1]} input[name=reason]").type("合并单元格读错")
            page.keyboard.press("Enter")
            expect(page.locator(f"#{ids[-1]} .decision")).to_contain_text("误报")
            decided = {i: page.locator(f"#{i} .decision").inner_text().split()[0] for i in ids}

            page.select_option("#review select[name=status]", "退回整改")
            page.fill("#review input[name=deadline]", "2099-01-31")
            page.click("#review .review-status-form button")
            expect(page.locator("#review .review-status")).to_contain_text("退回整改")
            rid = int(page.url.rsplit("/", 1)[1])
            case = page.request.get(f"{base}/api/review/reports/{rid}").json()["case"]
            # 发出整改通知 (POST: the session's CSRF token); a GET would only download it
            token = page.request.get(f"{base}/api/session").json()["csrf_token"]
            notice = page.request.post(f"{base}/api/review/notice", headers={"X-CSRF-Token": token},
                                       data={"agency_id": case["agency_id"], "fmt": "docx", "deadline": "2099-01-31"})
            assert notice.status == 200 and notice.body()[:2] == b"PK"

            upload(v2)
            rid2 = int(page.url.rsplit("/", 1)[1])
            assert rid2 != rid
            expect(page.locator("#review .review-status")).to_contain_text("已整改待复核")
            shown = {i: page.locator(f"#{i} .decision").inner_text().split()[0] for i in ids}
            assert list(shown.values()).count("已整改") == 1
            assert all(shown[i] == decided[i] for i in ids if shown[i] != "已整改")

            # a resubmitted report is passed (or returned again): 审核中 and 待审 are not offered
            assert page.locator("#review select[name=status] option").all_inner_texts() == ["通过", "退回整改"]
            page.select_option("#review select[name=status]", "通过")
            page.click("#review .review-status-form button")
            expect(page.locator("#review .review-status")).to_contain_text("通过")

            page.click("#review details.trail summary")
            trail = page.locator("#review details.trail").inner_text()
            for step in ("上传", "决定", "状态", "整改通知", "新版本"):
                assert step in trail, step
            actions = page.locator("#review .trail-table tbody td:nth-child(3)").all_inner_texts()
            assert actions.count("上传") == 2 and actions.count("决定") == n
            assert "决定：确认" in trail and "sha256" not in trail        # before/after in Chinese
            browser.close()
