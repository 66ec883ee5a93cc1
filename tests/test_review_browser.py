"""The review panel in a real browser (Debian's chromium driven by Playwright): keyboard shortcuts
move between findings, confirm one, and dismiss one after asking for the reason."""
from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from test_browser_web import CHROMIUM_ARGS, ensure_chromium, free_port

pytestmark = pytest.mark.browser

CLI = [sys.executable, "-c", "from nianbao.cli import main; main()"]
SAMPLES = Path(__file__).resolve().parents[1] / "src" / "nianbao" / "samples"
PASSWORD = "browser-test-password"


def test_keyboard_moves_confirms_and_dismisses_with_a_reason(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    db = f"sqlite:///{tmp_path / 'n.db'}"
    subprocess.run([*CLI, "user", "add", "审核员", "--db", db, "--password-stdin"], input=PASSWORD + "\n",
                   text=True, check=True, capture_output=True)
    out = subprocess.run([*CLI, "ingest", str(SAMPLES / "001_9944da9601cf06f9.txt"), "--db", db, "-j", "1",
                          "--json"], text=True, check=True, capture_output=True).stdout
    rid = __import__("json").loads(out)["reports"][0]["report_id"]
    port = free_port()
    server = subprocess.Popen([*CLI, "serve", "--db", db, "--port", str(port), "--data-dir", str(tmp_path / "f")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
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
            first = page.locator("#review tr.current").get_attribute("id")
            page.keyboard.press("f")
            reason = page.locator(f"#{first} input[name=reason]")
            assert reason.evaluate("el => el === document.activeElement")
            reason.type("表格读错")
            page.keyboard.press("Enter")
            expect(page.locator(f"#{first} .decision")).to_contain_text("误报")
            assert "表格读错" in page.locator(f"#{first}").inner_text()
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
