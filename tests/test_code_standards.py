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

