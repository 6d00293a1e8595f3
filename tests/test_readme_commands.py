"""The README documents every command, option and setting, and nothing that does not exist (the project's rule:
"README: every command and setting documented; nothing untrue"); its `$ g287 ...` examples print what it shows."""

from __future__ import annotations

import json
import re

import click
import pytest

from g287.cli import cli
from tests.conftest import ICE, ROOT
from tests.in_process import run_g287

README = (ROOT / "README.md").read_text(encoding="utf-8")
SNIPPETS = re.findall(r"`([^`\n]+)`", README)
COMMON = {"--help", "-h", "--json", "--database"}


def _commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], click.Command]:
    found = {}
    for name, command in (group.commands if path else cli.every_command()).items():
        found[path + (name,)] = command
        if isinstance(command, click.Group):
            found.update(_commands(command, path + (name,)))
    return found


COMMANDS = _commands()


def _documentation(path: tuple[str, ...]) -> list[str]:
    """The README's signatures of a command: `g287 PATH ...`, or in a table row of its group's commands
    (`g287 program nominate ...` / `nominee ID [--as-of D]`), `NAME ...`."""
    full = "g287 " + " ".join(path)
    found = [s for s in SNIPPETS if s == full or s.startswith(full + " ")]
    parent = "| `g287 " + " ".join(path[:-1]) + " "
    for line in README.splitlines():
        if len(path) > 1 and line.startswith(parent):
            first_cell = line.split("` | ")[0] + "`"
            found += [s for s in re.findall(r"`([^`]+)`", first_cell) if s.split()[0] == path[-1]]
    return found


def _option_names(command: click.Command) -> set[str]:
    return {name for p in command.params if isinstance(p, click.Option) for name in (*p.opts, *p.secondary_opts)}


def test_the_walk_finds_the_commands():
    assert {("stats",), ("program", "nominate"), ("documents", "search"), ("counties", "list")} <= set(COMMANDS)


@pytest.mark.parametrize("path", sorted(p for p, c in COMMANDS.items() if not isinstance(c, click.Group) or c.invoke_without_command), ids=" ".join)
def test_every_command_is_documented_with_each_name_of_its_options(path):
    command = COMMANDS[path]
    assert _documentation(path), f"README has no `g287 {' '.join(path)} ...`"
    # Each name an option answers to is in the README (`-o` and `--output` alike), where it is explained.
    missing = sorted(name for name in _option_names(command) - COMMON if not re.search(re.escape(name) + r"(?![\w-])", README))
    assert missing == []


def test_every_option_the_readme_gives_a_command_exists():
    wrong = []
    for path, command in COMMANDS.items():
        for signature in _documentation(path):
            after = signature.split()[len(path) + 1 : len(path) + 2] if signature.startswith("g287 ") else []
            if isinstance(command, click.Group) and after and after[0] in command.commands:
                continue  # a subcommand's signature
            # the words after the command's own: options given to it (a later `g287 ...` would be another command)
            given = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", signature.split(" g287 ")[0]))
            given -= {"-victoria", "-h"} if path == ("documents", "search") else set()  # a query word; `-- -h`
            wrong += [f"g287 {' '.join(path)} {name}" for name in sorted(given - _option_names(command) - COMMON)]
    assert wrong == []


def test_every_command_the_readme_names_exists():
    unknown = []
    for snippet in SNIPPETS:
        words = snippet.split()
        if words[0] != "g287" or len(words) < 2 or not re.fullmatch(r"[a-z][a-z-]*", words[1]):
            continue
        group: click.Command = cli
        for word in words[1:]:
            if not isinstance(group, click.Group) or not re.fullmatch(r"[a-z][a-z-]*", word):
                break
            if word not in group.list_commands(click.Context(group)):
                unknown.append(snippet)
                break
            group = group.get_command(click.Context(group), word)
    assert unknown == []


def test_every_setting_the_readme_documents_is_read():
    """The other direction of test_code_standards' check: a setting in a table of the README that nothing reads
    would be untrue."""
    read = {m for folder in ("g287", "tests") for path in (ROOT / folder).rglob("*.py") for m in re.findall(r"\bG287_[A-Z0-9_]+", path.read_text(encoding="utf-8"))}
    documented = set(re.findall(r"^\| `(G287_[A-Z0-9_]+)` \|", README, re.M))
    assert len(documented) > 20 and sorted(documented - read) == []


def _examples() -> list[tuple[str, str]]:
    """Each README example `    $ g287 ARGS` with the lines under it (indented the same), as one line of text."""
    found = []
    lines = README.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("    $ g287 "):
            shown = []
            for following in lines[number + 1 :]:
                if not following.startswith("    ") or following.startswith("    $ "):
                    break
                shown.append(following.strip())
            found.append((line[len("    $ g287 ") :], " ".join(shown)))
    return found


def test_the_readme_has_examples():
    assert [arguments for arguments, _ in _examples()] == ["stats --as-of 2025-05-29", "coverage --as-of 2025-07-09"]


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    database = tmp_path_factory.mktemp("readme") / "g287.sqlite"
    status, _, err = run_g287(str(database), "ingest", str(ICE))
    assert status == 0, err
    return database


@pytest.mark.parametrize("arguments, shown", _examples(), ids=[a for a, _ in _examples()])
def test_each_example_prints_what_the_readme_shows(bundled, arguments, shown):
    """What the README shows under `$ g287 ...` is what the command prints, word for word (wrapped otherwise); when it
    shows only the start, it ends with "...". A figure the README shows that the command does not give is untrue."""
    status, out, err = run_g287(str(bundled), *arguments.split())
    printed = " ".join(out.split())
    assert status == 0, err
    if shown.endswith(" ..."):
        assert printed.startswith(shown[: -len(" ...")] + " "), printed[:600]
    else:
        assert printed == shown, printed[:600]


def test_the_listings_not_located_that_the_readme_quotes_are_what_coverage_gives(bundled):
    """A figure README quotes in its prose, not under a `$ g287` example: the listings of 9 July 2025 that name no
    county, read from README, so that a drift fails here (tests/geo/test_readme_match_figures.py reads the sentence
    on county matching so)."""
    text = " ".join(README.split())
    located = re.search(r"those listings are \*not located\* — counted and reported \((\d+) of the (\d+) listings of 9 July 2025\)", text)
    assert located, "README's sentence on listings not located changed: update this test with it"
    status, out, err = run_g287(str(bundled), "coverage", "--as-of", "2025-07-09", "--json")
    assert status == 0, err
    listings = json.loads(out)["listings"]
    assert located.groups() == (str(listings["no_county_text"]), str(listings["total"]))
