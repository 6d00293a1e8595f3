"""Settings of the registry core, read from the environment (never from code constants), with documented
defaults; and `env_number` and `env_count`, which every part uses to read a numeric setting. Each part of g287 reads
its own settings (g287/documents/settings.py, g287/program/settings.py, ...); README.md lists them all under
"Settings".
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from g287.errors import G287Error
from g287.numbers import DECIMAL, WHOLE
from g287.wording import quoted

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
BUNDLED_PUBLICATIONS_DIR = DATA_DIR / "ice"


def home_dir() -> Path:
    """Where g287 keeps its own files by default: $G287_HOME, else $XDG_DATA_HOME/g287."""
    explicit = setting("G287_HOME")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "g287"


def make_folder(path: Path) -> None:
    """Make a folder and its parents. g287's own folder, when it is made on the way, is its owner's only (mode 0700):
    the default database in it holds nominees' personal data, and the signed MOAs and the archive go in it too. A
    folder made by the archive or the program's files (a database elsewhere, or on PostgreSQL) was left as the umask
    made it, readable by everyone."""
    home = home_dir().resolve()
    path = Path(path).resolve()
    if (path == home or home in path.parents) and not home.exists():
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.mkdir(parents=True, exist_ok=True)


def default_database_path() -> Path:
    return home_dir() / "g287.sqlite"


def database_url(explicit: str | None = None) -> str:
    """The database to use: --database (URL or file path), else $G287_DATABASE_URL, else the default SQLite file."""
    if explicit is not None and not explicit.strip():  # a mistake (an unset shell variable?), never the default database
        raise G287Error("--database is empty: give a database URL or an SQLite file")
    value = explicit or setting("G287_DATABASE_URL")
    if not value:
        return f"sqlite:///{default_database_path()}"
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


# Larger than any setting means (seconds: 115 days; hours: 1,100 years; MB: 10 TB; rows: ten million), and small
# enough for each to hold (a session of 1e9 hours would end after the year 9999, which datetime cannot represent).
MAX_SETTING = 1e7


def setting(name: str) -> str | None:
    """The setting's text, or None when it is unset, empty or blank (`export NAME=` in a shell: the default; README: an
    empty setting is as one not set, and a blank one made a database file named "  ", a folder named "  ")."""
    raw = os.environ.get(name)
    return None if raw is None or not raw.strip() else raw


def _in_range(name: str, raw: str, minimum: float, above: bool) -> float:
    """The value of `raw` (a number, or a number after a minus sign, as read by the caller) within the setting's
    bounds: below 0 is below every minimum, -0 included."""
    value = float(raw)  # any length of digits: a number too long for a float is inf, above MAX_SETTING
    if raw.startswith("-") or value < minimum or (above and value == minimum):
        raise G287Error(f"setting {name}={quoted(raw)}: must be {'more than' if above else 'at least'} {minimum:g}")
    if value > MAX_SETTING:
        raise G287Error(f"setting {name}={quoted(raw)}: must be at most {MAX_SETTING:,.0f}")
    return value


def env_number(name: str, default: float, minimum: float = 0.0, *, above: bool = False) -> float:
    """A numeric setting that may be a fraction (seconds, minutes, hours, megabytes): the default when unset or
    empty; else ASCII digits with an optional decimal part (DECIMAL), from `minimum` to MAX_SETTING, or one clear
    error naming it. float() read more ("1_0" as 10, " 5 " and "+5" as 5, "1e1", full-width digits, and nan, which
    no comparison with a minimum refuses)."""
    raw = setting(name)
    if raw is None:
        return default
    if not DECIMAL.fullmatch(raw.removeprefix("-")):
        raise G287Error(f"setting {name}={quoted(raw)}: expected a number in digits 0-9, such as 2 or 0.5")
    return _in_range(name, raw, minimum, above)


def env_count(name: str, default: int, minimum: int, unit: str) -> int:
    """A setting that counts `unit`s: the default when unset or empty; else ASCII digits only (WHOLE), from
    `minimum` to MAX_SETTING, or one clear error naming it (1.5 cut silently to 1 would change what it counts)."""
    raw = setting(name)
    if raw is None:
        return default
    if not WHOLE.fullmatch(raw.removeprefix("-")):
        raise G287Error(f"setting {name}={quoted(raw)}: must be a whole number of {unit}, {minimum} or more, in digits 0-9")
    return int(_in_range(name, raw, minimum, False))


def max_workbook_bytes() -> int:
    """Largest uncompressed size a workbook may declare before it is refused (G287_MAX_WORKBOOK_MB, default 200)."""
    return int(env_number("G287_MAX_WORKBOOK_MB", 200, 0, above=True) * 1024 * 1024)


def max_source_rows() -> int:
    """Most rows a publication may declare (G287_MAX_SOURCE_ROWS, default 200000); ICE's lists have a few thousand."""
    return env_count("G287_MAX_SOURCE_ROWS", 200000, 1, "rows")


def check_reading_settings() -> None:
    """Raise G287Error for a bad setting the readers use, once for a batch of files rather than once per file."""
    max_workbook_bytes()
    max_source_rows()


def site_url() -> str | None:
    """The site's public address (G287_SITE_URL), for the links that must be absolute: the Atom feeds' (without it
    they follow the Host header of each request, which a client chooses) and the MOA links of the registry's own
    published lists (without it they have none). Read here, not by the site, since `g287 program publish` needs it
    without a server."""
    raw = os.environ.get("G287_SITE_URL", "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise G287Error(f"setting G287_SITE_URL={quoted(raw)}: must be the site's address, such as https://g287.example.org (no path, query or user)")
    return f"{parts.scheme}://{parts.netloc}"
