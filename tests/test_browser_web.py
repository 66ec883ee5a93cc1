"""The web UI in a real browser (Debian's chromium driven by Playwright): log in, upload a report,
open it, see a highlighted finding, click it and see its source line; the dashboard draws its chart.

The server runs as `nianbao serve` on a free loopback port with a temporary SQLite store.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SAMPLE = Path(__file__).resolve().parents[1] / "src" / "nianbao" / "samples" / "001_9944da9601cf06f9.txt"
PASSWORD = "browser-test-password"
CLI = [sys.executable, "-c", "from nianbao.cli import main; main()"]


CJK_FONTS = Path("/usr/share/fonts/opentype/noto")      # Debian's fonts-noto-cjk: pages show Chinese, not boxes


def ensure_chromium() -> str:
    """Debian's chromium and CJK fonts, installed with apt when missing (never `playwright install`)."""
    if not Path(CHROMIUM).exists() or not any(CJK_FONTS.glob("NotoSansCJK*")):
        if shutil.which("apt-get") is None:
            pytest.fail("chromium 或 fonts-noto-cjk 未安装且没有 apt-get")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-q", "chromium", "fonts-noto-cjk"]
        if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)   # a fresh machine
            subprocess.run(install, check=True, env=env, stdout=subprocess.DEVNULL)
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web")
    db = f"sqlite:///{tmp}/store.db"
    subprocess.run([*CLI, "user", "add", "reviewer", "--db", db, "--password-stdin"], input=PASSWORD + "\n",
                   text=True, check=True, capture_output=True)
    # one report stored beforehand, so the dashboard has data whatever test runs first
    from nianbao import api
    from nianbao.store import open_store
    with open_store(db) as store:
        store.save_report(api.audit(api.parse_file(SAMPLE.with_name("002_e5f07f85354855e1.txt"))))
    port = free_port()
    proc = subprocess.Popen([*CLI, "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "NIANBAO_SECRET": ""})
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/api/session", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError("server did not start: " + proc.stderr.read().decode()[-2000:])
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(10)


# Module-scoped: Playwright's sync API keeps an event loop running in this thread while it is
# open, which would break every later test that runs a loop of its own (fetch, the review browser).
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    exe = ensure_chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def test_reviewer_uploads_a_report_and_follows_a_finding_to_its_source(server, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(server + "/upload")                       # anonymous: sent to the login form
    page.fill("input[name=name]", "reviewer")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(server + "/upload")

    page.set_input_files("input[type=file]", str(SAMPLE))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("section.job[data-finished=yes]")).to_be_visible(timeout=30_000)
    expect(page.locator("section.job tr.state-done")).to_have_count(1)
    page.click("section.job tr.state-done a")
    page.wait_for_url("**/reports/*")

    flagged = page.locator("table.official td.flagged")
    expect(flagged.first).to_be_visible()
    finding = page.locator(".findings li.finding a").first
    code = finding.locator(".code").inner_text()
    finding.click()
    marked = page.locator("#source .line.hl")
    expect(marked).to_have_count(1, timeout=10_000)
    n = int(marked.get_attribute("data-line"))
    src_lines = SAMPLE.read_bytes().decode("utf-8-sig").splitlines()
    assert marked.inner_text().removeprefix(str(n)).strip() == src_lines[n - 1].strip()
    expect(page.locator("#source h3")).to_contain_text(code)
    assert not errors, errors
    page.close()


def test_dashboard_draws_its_chart(server, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/dashboard")
    chart = page.locator('[data-chart="dashboard-rules"]')
    expect(chart).to_have_attribute("data-rendered", "yes", timeout=10_000)
    expect(chart.locator("canvas")).to_have_count(1)
    assert page.locator("#dashboard-table tbody tr").count() >= 1
    # sortable: clicking the 合计 header orders the rows by it, largest first
    page.click("#dashboard-table th:has-text('合计')")
    expect(page.locator("#dashboard-table th[data-dir=desc]")).to_have_count(1)
    col = page.locator("#dashboard-table thead th").all_inner_texts().index("合计")
    totals = [int(t) for t in page.locator(f"#dashboard-table tbody td:nth-child({col + 1})").all_inner_texts()]
    assert totals == sorted(totals, reverse=True)
    assert not errors, errors
    page.close()
