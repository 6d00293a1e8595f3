"""The project's own rules for its code (README, section development): every module stays small, and pyflakes
finds nothing (unused imports and variables, undefined names, shadowed imports)."""

from __future__ import annotations

from pathlib import Path

from pyflakes.api import checkPath
from pyflakes.reporter import Reporter

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("g287", "bench", "tests")
MAX_LINES = 600


def _modules() -> list[Path]:
    found = sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py") if ".venv" not in path.parts)
    assert len(found) > 100, found  # the walk found the code (a wrong root would make both checks pass on nothing)
    return found


def test_no_module_is_over_600_lines():
    too_long = {}
    for path in _modules():
        with open(path, encoding="utf-8") as handle:
            lines = sum(1 for _line in handle)
        if lines > MAX_LINES:
            too_long[str(path.relative_to(ROOT))] = lines
    assert too_long == {}


class _Collected:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, text: str) -> None:
        self.lines.append(text)

    def flush(self) -> None:
        pass


def test_pyflakes_finds_nothing():
    out = _Collected()
    count = sum(checkPath(str(path), Reporter(out, out)) for path in _modules())
    assert "".join(out.lines) == "" and count == 0


def test_the_pyflakes_check_reports_what_it_finds(tmp_path):
    # The check above would pass on nothing if the reporter swallowed warnings: it must see an unused import.
    module = tmp_path / "unused.py"
    module.write_text("import os\n")
    out = _Collected()
    assert checkPath(str(module), Reporter(out, out)) == 1
    assert "'os' imported but unused" in "".join(out.lines)



def test_every_setting_the_code_reads_is_documented_in_the_readme():
    """Every G287_ setting named in the package appears in README.md, in a settings table (a row of its own) and in
    the list of the section "Settings"; the tests' own settings are in the README's tables too."""
    import re

    named = {m for path in (ROOT / "g287").rglob("*.py") for m in re.findall(r"\bG287_[A-Z0-9_]+", path.read_text(encoding="utf-8"))}
    named |= {m for path in (ROOT / "tests").rglob("*.py") for m in re.findall(r"\bG287_[A-Z0-9_]+", path.read_text(encoding="utf-8"))}
    assert {"G287_DATABASE_URL", "G287_SITE_URL"} <= named  # the walk read the code
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `(G287_[A-Z0-9_]+)` \|", readme, re.M))
    assert sorted(named - rows) == []
