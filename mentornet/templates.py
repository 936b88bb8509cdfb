"""The one Jinja environment for every HTML page mentornet writes (``templates/*.j2``).

Autoescaping is on, an undefined name is an error rather than an empty string, a block tag
takes its line with it (``trim_blocks``, ``lstrip_blocks``), and a template keeps its trailing
newline. Imported only by the commands that render HTML.
"""
from __future__ import annotations

import functools


@functools.cache
def environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("mentornet", "templates"), autoescape=True,
                       undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True,
                       lstrip_blocks=True)


def template(name: str):
    return environment().get_template(name)
