"""Take the README screenshots of the web UI with Playwright and Debian's chromium.

    .venv/bin/python docs/screenshots/take.py

Builds a temporary store, uploads the bundled sample reports and a few synthetic
ones (one agency over three years, others with a broken table cell) through the
upload page, then captures the upload progress, a report page with a finding's
source shown, the agency page and the dashboard into docs/screenshots/*.png.
"""
from __future__ import annotations

import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CLI = [sys.executable, "-c", "from nianbao.cli import main; main()"]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "screenshot-password"


def corpus(dest: Path) -> tuple[list[Path], str]:
    from nianbao.generate.synthetic import perturb, random_agency, random_report
    from nianbao.generate.text import render_bytes

    files = sorted((ROOT / "src" / "nianbao" / "samples").glob("*.txt"))
    rng = random.Random(2024)
    agency = random_agency(rng, "county_dept")
    for year in (2021, 2022, 2023):
        r = random_report(rng, year=year, agency=agency)
        if year == 2023:
            r, _ = perturb(r, rng)
        p = dest / f"{agency.name}{year}年报.txt"
        p.write_bytes(render_bytes(r, "tabs", seed=year))
        files.append(p)
    for i in range(8):
        r = random_report(rng, year=2023, consistent=i % 3 != 0, blanks=0.02 if i % 4 == 1 else 0.0)
        p = dest / f"synthetic_{i}.txt"
        p.write_bytes(render_bytes(r, "tabs", seed=i))
        files.append(p)
    bad = dest / "扫描件.pdf"                    # a damaged PDF: shown as a per-file error
    bad.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4)
    files.append(bad)
    return files, agency.name


def main() -> None:
    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        db = f"sqlite:///{tmp}/store.db"
        subprocess.run([*CLI, "user", "add", "审核员", "--db", db, "--password-stdin"], input=PASSWORD + "\n",
                       text=True, check=True, capture_output=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = subprocess.Popen([*CLI, "serve", "--db", db, "--port", str(port)], stdout=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/api/session", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        files, agency_name = corpus(tmp)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1440, "height": 960}, device_scale_factor=1)
                page.goto(url + "/login?next=/upload")
                page.fill("input[name=name]", "审核员")
                page.fill("input[name=password]", PASSWORD)
                page.click("form.card button[type=submit]")
                page.wait_for_url(url + "/upload")
                page.set_input_files("input[type=file]", [str(f) for f in files])
                page.click("#upload-form button[type=submit]")
                expect(page.locator("section.job[data-finished=yes]")).to_be_visible(timeout=120_000)
                page.screenshot(path=str(HERE / "upload.png"))

                # the agency with three years, whose last year has a broken table cell
                page.goto(url + "/?year=2023&q=" + urllib.parse.quote(agency_name))
                agency_url = url + page.locator("table.list a:has-text('历年')").first.get_attribute("href")
                page.click("table.list tbody tr a >> nth=0")
                page.wait_for_url("**/reports/*")
                page.locator(".findings li.finding a").first.click()
                expect(page.locator("#source .source-view")).to_be_visible()
                page.wait_for_timeout(300)
                page.screenshot(path=str(HERE / "report.png"))

                page.goto(url + "/dashboard?year=2023")
                expect(page.locator('[data-chart="dashboard-rules"]')).to_have_attribute("data-rendered", "yes")
                page.wait_for_timeout(800)         # let the bars' entry animation finish
                page.screenshot(path=str(HERE / "dashboard.png"))

                page.goto(agency_url)
                expect(page.locator('[data-chart="agency-outcomes"]')).to_have_attribute("data-rendered", "yes")
                page.wait_for_timeout(800)
                page.screenshot(path=str(HERE / "agency.png"))
                browser.close()
        finally:
            proc.terminate()
            proc.wait(10)
    for name in ("upload", "report", "dashboard", "agency"):
        print(HERE / f"{name}.png")


if __name__ == "__main__":
    main()
