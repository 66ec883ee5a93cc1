"""docs/cli.md is the CLI reference generated from the code (`make docs`); it must not drift."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_in_docs_is_generated_from_the_current_commands(tmp_path):
    out = tmp_path / "cli.md"
    typer = Path(sys.executable).with_name("typer")
    subprocess.run([str(typer), "nianbao.cli", "utils", "docs", "--name", "nianbao", "--output", str(out)],
                   check=True, capture_output=True, cwd=ROOT)
    assert out.read_text(encoding="utf-8") == (ROOT / "docs" / "cli.md").read_text(encoding="utf-8"), \
        "docs/cli.md is out of date: run `make docs`"
