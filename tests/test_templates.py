"""The templates as files: links that browsers read as the authors meant."""
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "nianbao" / "web" / "templates"


def test_query_strings_in_links_write_ampersands_as_entities():
    """A raw "&region=" in an href is read by HTML as "®ion=" (the &reg entity): the parameter is lost."""
    raw = [f"{p.name}: {m.group(0)[:60]}" for p in TEMPLATES.glob("*.html")
           for m in re.finditer(r'href="[^"]*&(?!amp;)\w+=[^"]*"', p.read_text(encoding="utf-8"))]
    assert raw == []
