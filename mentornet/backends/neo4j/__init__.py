"""The Neo4j backend: the dataset lives in a Neo4j database, the analysis runs inside it.

- :mod:`.statements`: the catalogue of ``cypher/*.cypher`` files, read by name (fragments
  included, relationship types filled in from the fixed list);
- :mod:`.load`: rows encoded as the column lists the write statements take, and the pipeline
  that writes them;
- :mod:`.queries`: :class:`Neo4jBackend`, the connection and the questions of
  :class:`mentornet.backends.base.Backend` asked in Cypher;
- :mod:`.connection`: what the driver's errors mean to a user.
"""
from .queries import Neo4jBackend, Neo4jSnapshot
from .statements import Statement, statement, statements

__all__ = ["Neo4jBackend", "Neo4jSnapshot", "Statement", "statement", "statements"]
