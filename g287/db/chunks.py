"""Long lists of ids in SQL: split into chunks of a few hundred, so IN (...) stays within every database's limits."""

from __future__ import annotations

from typing import Iterator, Sequence, TypeVar

T = TypeVar("T")

CHUNK = 500


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
