"""The program catalog (g287/data/catalog/models.toml): the three models and the program's facts, with sources.

Every statement is a `Statement` carrying the keys and titles of its sources, and whether it is confirmed, so
pages and documents can cite them. Nothing in code repeats these facts.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from g287.config import DATA_DIR

MODEL_CODES = ("JEM", "TFM", "WSO")


@dataclass(frozen=True)
class Source:
    key: str
    title: str


@dataclass(frozen=True)
class Statement:
    text: str
    sources: tuple[Source, ...]
    confirmed: bool = True


@dataclass(frozen=True)
class Model:
    code: str
    name: str
    ice_label: str  # the SUPPORT TYPE text ICE uses in its lists
    summary: Statement
    authorizes: tuple[Statement, ...]
    requirements: tuple[Statement, ...]  # beyond the program-wide nominee requirements
    training: tuple[Statement, ...]
    launched: Statement | None = None


@dataclass(frozen=True)
class Catalog:
    sources: dict[str, Source]
    models: dict[str, Model]
    program: dict[str, tuple[Statement, ...]]  # legal_basis, who_may_join, how_to_join, nominee_requirements, ...


@cache
def catalog() -> Catalog:
    with open(DATA_DIR / "catalog" / "models.toml", "rb") as handle:
        data = tomllib.load(handle)
    sources = {key: Source(key, value["title"]) for key, value in data["sources"].items()}

    def statement(item: dict) -> Statement:
        missing = [key for key in item["sources"] if key not in sources]
        if missing or not item["sources"]:
            raise ValueError(f"catalog statement without a known source: {item['text'][:60]!r} cites {missing or 'nothing'}")
        return Statement(item["text"], tuple(sources[key] for key in item["sources"]), item.get("confirmed", True))

    models = {}
    for code, value in data["models"].items():
        models[code] = Model(
            code=code,
            name=value["name"],
            ice_label=value["ice_label"],
            summary=statement(value["summary"]),
            authorizes=tuple(statement(s) for s in value["authorizes"]),
            requirements=tuple(statement(s) for s in value.get("requirements", [])),
            training=tuple(statement(s) for s in value["training"]),
            launched=statement(value["launched"]) if "launched" in value else None,
        )
    if tuple(models) != MODEL_CODES:
        raise ValueError(f"the catalog must describe exactly {MODEL_CODES}, in that order")
    program = {section: tuple(statement(s) for s in items) for section, items in data["program"].items()}
    return Catalog(sources, models, program)
