"""Backends answer the same questions about one dataset, through one interface
(:class:`mentornet.backends.base.Backend`).

``open_backend(source)`` picks the embedded NetworkX backend for a dataset directory and the
Neo4j backend for a ``neo4j://``/``bolt://`` URI. Both return identical DataFrames.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from ..errors import DataError, Problem

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def is_neo4j_uri(source: str) -> bool:
    return str(source).lower().startswith(NEO4J_SCHEMES)


def masked_uri(uri: str) -> str:
    """``uri`` with any user and password it carries shown as ``***`` (for messages)."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri
    if "@" not in parts.netloc:
        return uri
    return parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()


def check_uri(uri: str) -> None:
    """Refuse a URI carrying a user or password (``bolt://neo4j:secret@host``): it would show
    in ``ps``, in shell history and in every message naming the server. Said without it."""
    if masked_uri(uri) != uri:
        raise DataError(Problem(masked_uri(uri), (
            "a user or password inside the URI is not accepted (it would show in ps and shell history); "
            "give the user with --user / NEO4J_USERNAME and the password in NEO4J_PASSWORD")))


def open_backend(source, **credentials):
    """Open ``source``: a dataset directory (embedded) or a Neo4j URI."""
    if is_neo4j_uri(source):
        from .neo4j import Neo4jBackend

        return Neo4jBackend.connect(str(source), **credentials)
    from ..io import read_dataset
    from .networkx import NetworkXBackend

    return NetworkXBackend(read_dataset(source))
