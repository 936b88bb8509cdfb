"""Backends answer the same questions about one dataset, through one interface
(:class:`mentornet.backends.base.Backend`).

``open_backend(source)`` picks the embedded NetworkX backend for a dataset directory and the
Neo4j backend for a ``neo4j://``/``bolt://`` URI. Both return identical DataFrames.
"""
from __future__ import annotations

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def is_neo4j_uri(source: str) -> bool:
    return str(source).lower().startswith(NEO4J_SCHEMES)


def open_backend(source, **credentials):
    """Open ``source``: a dataset directory (embedded) or a Neo4j URI."""
    if is_neo4j_uri(source):
        from .neo4j import Neo4jBackend

        return Neo4jBackend.connect(str(source), **credentials)
    from ..io import read_dataset
    from .networkx import NetworkXBackend

    return NetworkXBackend(read_dataset(source))
