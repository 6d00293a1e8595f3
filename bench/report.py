"""Shared by the benchmarks: describe the machine, and rewrite one benchmark's section of docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import sqlite3
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS_MD = ROOT / "docs" / "benchmarks.md"


def machine_parts() -> dict[str, str]:
    """What describes the machine a benchmark ran on, part by part (cpu, cores, memory, system, python, sqlite, run)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
        memory = f"{kib / 1048576:.0f} GiB RAM"
    except (OSError, TypeError):
        pass
    return {
        "cpu": cpu,
        "cores": f"{os.cpu_count()} cores",
        "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
        "release": platform.release(),
        "python": f"Python {platform.python_version()}",
        # The library of this interpreter, which the benchmarks' subprocesses run (sys.executable); not the python3 on PATH.
        "sqlite": f"SQLite {sqlite3.sqlite_version}",
        "run": f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M}",
    }


def machine() -> str:
    part = machine_parts()
    hardware = ", ".join(value for value in (part["cpu"], part["cores"], part["memory"]) if value)
    return f"{hardware}; {part['system']}; {part['python']}; {part['sqlite']}; run {part['run']} UTC"


def code_measured() -> str:
    """The code a benchmark measures: the latest commit that changed g287/ (a commit of only tests, documents or
    benchmarks measures the same), marked when g287/ holds changes not committed."""
    try:
        head = subprocess.run(["git", "log", "-1", "--format=%h", "--", "g287"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--", "g287"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return f"{head} + changes" if changed else head


def write_section(name: str, markdown: str) -> None:
    """Replace the text between <!-- bench:NAME --> and <!-- /bench:NAME --> (appending the markers if absent)."""
    text = BENCHMARKS_MD.read_text() if BENCHMARKS_MD.exists() else "# Benchmarks\n"
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS_MD.write_text(text)


def table_rows(name: str) -> list[str]:
    """The table rows (lines starting with "|", past the header and its rule) of section NAME, oldest first."""
    text = BENCHMARKS_MD.read_text() if BENCHMARKS_MD.exists() else ""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    if start not in text or end not in text:
        return []
    lines = text[text.index(start) + len(start) : text.index(end)].splitlines()
    table = [line for line in lines if line.startswith("|")]
    return table[2:]  # the header line and the |---| rule


def append_table_row(name: str, introduction: str, header: list[str], alignment: list[str], row: list[str]) -> list[str]:
    """Add one row to the table of section NAME, keeping the rows already there; returns all rows, oldest first.

    A benchmark whose result depends on the machine keeps every run here: one section rewritten on each run would
    show only the latest machine, and this project's machines differ by a factor of three in speed.
    """
    rows = table_rows(name) + ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |"]
    lines = [introduction.strip(), "", "| " + " | ".join(header) + " |", "|" + "|".join(alignment) + "|", *rows]
    write_section(name, "\n".join(lines))
    return rows
