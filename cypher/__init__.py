"""Named Cypher statements shipped with mentornet (read with importlib.resources)."""
