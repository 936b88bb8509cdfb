import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

# Shared fixtures for every test module: the real Neo4j server (neo4j_server, neo4j_clean)
# and headless Chromium (chromium, browser_page).
pytest_plugins = ["tests.neo4j.fixture", "browser"]
