"""The benchmark report keeps every recorded run of the ingest benchmark, and sums up only runs of the same code."""

from __future__ import annotations

import pytest

from bench import report
from bench.ingest import RUNS_ALIGNMENT, RUNS_HEADER, across_runs


@pytest.fixture
def benchmarks_md(tmp_path, monkeypatch):
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n<!-- bench:ingest -->\nlatest\n<!-- /bench:ingest -->\n\n<!-- bench:maps -->\nmaps\n<!-- /bench:maps -->\n")
    monkeypatch.setattr(report, "BENCHMARKS_MD", path)
    return path


def _run(when: str, code: str, ms: int, base: int) -> list[str]:
    return [when, "AMD EPYC", "6.18", code, str(ms), str(base), f"{5301 / ms * 1000:,.0f}", f"{base / ms:.1f}"]


def test_each_run_is_added_and_the_earlier_ones_kept_in_place(benchmarks_md):
    first = report.append_table_row("ingest-runs", "Every run.", RUNS_HEADER, RUNS_ALIGNMENT, _run("2026-11-30 08:00", "abc1234", 600, 1200))
    second = report.append_table_row("ingest-runs", "Every run.", RUNS_HEADER, RUNS_ALIGNMENT, _run("2026-11-30 09:00", "abc1234", 220, 440))
    assert len(first) == 1 and len(second) == 2 and second[0] == first[0]
    text = benchmarks_md.read_text()
    assert text.count("| run (UTC) |") == 1  # one header, however many runs
    assert text.index("2026-11-30 08:00") < text.index("2026-11-30 09:00")
    assert "latest" in text and "maps" in text  # the other sections untouched
    assert report.table_rows("ingest-runs") == second


def test_a_cell_holding_a_bar_does_not_shift_the_columns(benchmarks_md):
    rows = report.append_table_row("ingest-runs", "x", RUNS_HEADER, RUNS_ALIGNMENT, _run("2026-11-30 08:00", "abc|123", 600, 1200))
    assert len(rows[0].strip("|").split("|")) == len(RUNS_HEADER)


def test_the_summary_counts_only_the_runs_of_the_latest_code():
    rows = [
        "| " + " | ".join(_run("2026-11-29 10:00", "old0000", 1000, 1000)) + " |",
        "| " + " | ".join(_run("2026-11-30 08:00", "abc1234", 600, 1200)) + " |",
        "| " + " | ".join(_run("2026-11-30 09:00", "abc1234 + changes", 300, 900)) + " |",
        "| " + " | ".join(_run("2026-11-30 10:00", "abc1234", 220, 440)) + " |",
    ]
    line = across_runs(rows)
    assert "The 2 recorded runs of this code (abc1234)" in line
    assert "8,835–24,095 rows/s" in line and "2.0–2.0×" in line and "440–1200 ms" in line
    assert "one recorded run" in across_runs(rows[:3])
