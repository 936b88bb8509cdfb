"""The statement catalogue: every ``cypher/*.cypher`` file, read by name with its header."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib.resources import files

from ...errors import DataError, Problem
from ...model import REL_TYPES

HEADER_RE = re.compile(r"^//\s*(\w+):\s*(.*?)\s*$")


@dataclass(frozen=True)
class Statement:
    """One ``cypher/*.cypher`` file: its header fields and its text."""

    name: str
    description: str
    parameters: str
    kind: str  # "read" (analyst queries, run by `mentornet query`) or "write" (used by load)
    text: str
    columns: tuple[str, ...] = ()  # the names it returns, for the statements read in bulk

    @property
    def packed(self) -> str:
        """The statement wrapped to send all its rows as one record, ``rows``, a list of
        ``[column values...]`` in :attr:`columns` order. The driver spends about 20 µs of Python
        per record, which for the 200,000 rows of a large ``refer`` took a core from the server."""
        if not self.columns:
            raise ValueError(f"{self.name}: no '// columns:' header to pack the rows by")
        return f"CALL () {{\n{self.text}\n}}\nRETURN collect([{', '.join(self.columns)}]) AS rows\n"


@functools.cache
def statement(name: str) -> Statement:
    """The statement ``name`` (read once per process), fragments included and, for a per-type
    statement, the type filled in; :class:`DataError` if there is none.

    ``cypher/<name>.cypher`` is the statement, except for ``<verb>_<type>`` (``create_knows``,
    ``load_mentors``): that is ``cypher/<verb>_relationships.cypher`` with ``REL_TYPE``
    replaced by the type, one of :data:`mentornet.model.REL_TYPES` (never a value from the data).
    """
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise _unknown(name)
    verb, _, suffix = name.rpartition("_")
    if suffix.upper() in REL_TYPES and _resource(f"{verb}_relationships").is_file():
        return _typed(_read(f"{verb}_relationships"), suffix.upper())
    resource = _resource(name)
    if not resource.is_file() or name.startswith(FRAGMENT_PREFIX) or name in TYPED:
        raise _unknown(name)
    return _read(name)


def statements(*, kind: str | None = None) -> list[Statement]:
    """Every statement, sorted by name (only those of ``kind`` when given): each file but the
    fragments, the per-type templates once per type."""
    found = []
    for resource in files("mentornet.cypher").iterdir():
        name = resource.name[: -len(".cypher")]
        if not resource.name.endswith(".cypher") or name.startswith(FRAGMENT_PREFIX):
            continue
        if name in TYPED:
            found += [statement(f"{name[: -len('_relationships')]}_{t.lower()}") for t in REL_TYPES]
        else:
            found.append(statement(name))
    return sorted((s for s in found if kind is None or s.kind == kind), key=lambda s: s.name)


#: Files that hold one statement per relationship type, with ``REL_TYPE`` in its place.
TYPED = ("create_relationships", "load_relationships")
#: Files whose text other statements include: ``cypher/fragment_<name>.cypher`` is included
#: where a statement says ``{{ <name> }}``.
FRAGMENT_PREFIX = "fragment_"
INCLUDE_RE = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def fragment(name: str) -> str:
    """The text of ``cypher/fragment_<name>.cypher`` without its header (one expression)."""
    resource = _resource(FRAGMENT_PREFIX + name)
    if not resource.is_file():
        raise ValueError(f"no Cypher fragment named {name!r}")
    return _body(resource.read_text(encoding="utf-8")).strip()


def include_fragments(text: str) -> str:
    """``text`` with each ``{{ name }}`` replaced by :func:`fragment` ``(name)``."""
    return INCLUDE_RE.sub(lambda m: fragment(m.group(1)), text)


def _resource(name: str):
    return files("mentornet.cypher") / f"{name}.cypher"


def _unknown(name: str) -> DataError:
    known = ", ".join(s.name for s in statements(kind="read"))
    return DataError(Problem("query", f"no query named {name!r} (known: {known})"))


def _read(name: str) -> Statement:
    return _parse(name, include_fragments(_resource(name).read_text(encoding="utf-8")))


def _typed(template: Statement, rel_type: str) -> Statement:
    """A per-type statement from its template: ``REL_TYPE`` replaced, the ``// types:`` line dropped."""
    name = f"{template.name[: -len('_relationships')]}_{rel_type.lower()}"
    lines = [line for line in template.text.splitlines(keepends=True) if not line.startswith("// types:")]
    text = re.sub(r"\bREL_TYPE\b", rel_type, "".join(lines))
    text = text.replace(f"// name: {template.name}", f"// name: {name}", 1)
    return _parse(name, text)


def _body(text: str) -> str:
    """The text after the header lines."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if not HEADER_RE.match(line)), len(lines))
    return "".join(lines[start:])


def _parse(name: str, text: str) -> Statement:
    header = {}
    for line in text.splitlines():
        m = HEADER_RE.match(line)
        if not m:
            break
        header[m.group(1).lower()] = m.group(2)
    return Statement(name=header.get("name", name), description=header.get("description", ""),
                     parameters=header.get("parameters", ""), kind=header.get("kind", "read"), text=text,
                     columns=tuple(c.strip() for c in header.get("columns", "").split(",") if c.strip()))

