"""What a robots.txt allows g287 to fetch: its rules read and matched as RFC 9309 says.

- The product token is `g287` (ROBOTS_TOKEN: the user agent starts with it). The groups whose user-agent lines name
  it (case-insensitively; `g287/1.0 (...)` names `g287`) apply, combined; when none does, the `*` groups, combined;
  when neither exists, nothing is disallowed. Consecutive user-agent lines make one group; a rule before any
  user-agent line belongs to no group; `#` starts a comment.
- Of the Allow and Disallow patterns that match an address's path and query, the longest decides; on equal length
  Allow wins; when none matches the address is allowed. `*` matches any run of characters, a final `$` anchors the
  end, otherwise a pattern matches as a prefix. An empty pattern (`Disallow:`) matches nothing.
- Patterns and paths are compared in one canonical form: percent-encoded unreserved characters decoded, other escapes
  with upper-case hex digits, non-ASCII octets (as UTF-8) and controls percent-encoded (RFC 9309 2.2.2).
- Crawl-delay (not part of RFC 9309): the largest finite, non-negative value in the chosen groups, at most a day
  (MAX_CRAWL_DELAY); the client waits at least that long between two requests to the host.
- Only the first ROBOTS_MAX_BYTES of a robots.txt are read (RFC 9309: at least 500 KiB), without the line the limit
  cuts (fetch.py: a rule cut short would be another rule).

Reading a host's robots.txt (once per sync, through the client's delays, time limit and redirects) and what fetching
does when it cannot be read are the client's (fetch.py): this module holds the rules, apart from any request.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

ROBOTS_TOKEN = "g287"  # the product token robots.txt rules name (the user agent starts with it)
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: a crawler reads at least the first 500 KiB
MAX_CRAWL_DELAY = 86400.0  # a longer Crawl-delay is read as a day (time.sleep cannot wait for ever)


# RFC 9309 matching. Paths are compared in one canonical form: percent-encoded unreserved characters decoded,
# other escapes with upper-case hex digits, non-ASCII octets (as UTF-8) and controls percent-encoded (section 2.2.2).
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_PRODUCT_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def _canonical(path: str) -> str:
    octets = path.encode("utf-8", "surrogatepass")
    out: list[str] = []
    i = 0
    while i < len(octets):
        octet = octets[i]
        if octet == 0x25 and i + 2 < len(octets) and octets[i + 1] in _HEX and octets[i + 2] in _HEX:
            value = int(octets[i + 1 : i + 3], 16)
            out.append(chr(value) if value in _UNRESERVED else f"%{value:02X}")
            i += 3
            continue
        out.append(f"%{octet:02X}" if octet >= 0x7F or octet <= 0x20 else chr(octet))
        i += 1
    return "".join(out)


def _pattern_matches(pattern: str, path: str) -> bool:
    """RFC 9309 2.2.3: `*` matches any run of characters, a final `$` anchors the end; otherwise a prefix match.
    (Linear backtracking on the last `*` only: a hostile pattern cannot make this exponential.)"""
    if pattern.endswith("$"):
        pattern = pattern[:-1]
    else:
        pattern += "*"
    p = s = 0
    star, mark = -1, 0
    while s < len(path):
        if p < len(pattern) and pattern[p] == "*":
            star, mark = p, s
            p += 1
        elif p < len(pattern) and pattern[p] == path[s]:
            p += 1
            s += 1
        elif star >= 0:
            p, mark = star + 1, mark + 1
            s = mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


@dataclass(frozen=True)
class RobotsRules:
    """The rules of one robots.txt for one product token (RFC 9309)."""

    rules: tuple[tuple[str, bool], ...] = ()  # (canonical pattern, allow)
    crawl_delay: float = 0.0

    @classmethod
    def parse(cls, text: str, token: str = ROBOTS_TOKEN) -> "RobotsRules":
        """The groups naming `token` (case-insensitively), combined; else the `*` groups, combined; else none."""
        groups: list[dict] = []
        group: dict | None = None
        naming = False  # the line before was a user-agent line: another one joins the same group
        for line in text.lstrip("\ufeff").splitlines():
            key, colon, value = line.split("#", 1)[0].partition(":")
            if not colon:
                continue
            key, value = key.strip().lower(), value.strip()
            if key == "user-agent":
                if group is None or not naming:
                    group = {"agents": set(), "rules": [], "delays": []}
                    groups.append(group)
                product = _PRODUCT_TOKEN.match(value)  # `g287/1.0 (...)` names the product token g287
                group["agents"].add("*" if value.startswith("*") else product.group(0).lower() if product else "")
                naming = True
            elif key in ("allow", "disallow") and group is not None:
                naming = False
                if value:  # an empty rule matches nothing (`Disallow:` allows everything)
                    group["rules"].append((_canonical(value), key == "allow"))
            elif key == "crawl-delay" and group is not None:
                naming = False
                try:
                    delay = float(value)
                except ValueError:
                    continue
                if math.isfinite(delay) and delay >= 0:
                    group["delays"].append(min(delay, MAX_CRAWL_DELAY))
        chosen = [g for g in groups if token.lower() in g["agents"]] or [g for g in groups if "*" in g["agents"]]
        return cls(
            tuple(rule for g in chosen for rule in g["rules"]),
            max((delay for g in chosen for delay in g["delays"]), default=0.0),
        )

    def allows(self, url: str) -> bool:
        """The longest matching pattern decides; on equal length Allow wins; no match allows (RFC 9309 2.2.2)."""
        parts = urlsplit(url)
        path = _canonical((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        best_length, allowed = -1, True
        for pattern, allow in self.rules:
            if (len(pattern) > best_length or (len(pattern) == best_length and allow)) and _pattern_matches(pattern, path):
                best_length, allowed = len(pattern), allow
        return allowed
