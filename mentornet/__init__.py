"""mentornet: mentor networks in academic medicine.

The library under the ``mentornet`` command::

    import datetime as dt
    import mentornet

    ds = mentornet.read_dataset("examples/radiology")
    gaps = mentornet.find_gaps(ds, policy=mentornet.Policy(), as_of=dt.date(2026, 11, 25))

Everything returns pandas DataFrames.
"""
__version__ = "0.1.0"

# The library is imported on first use (PEP 562), so that ``import mentornet`` is instant and
# the command's entry point (mentornet.launch) is in charge before pandas loads.
_EXPORTS = {
    "active_mentorships": "analysis", "find_gaps": "analysis", "mentee_needs": "analysis",
    "BackendUnavailable": "errors", "DataError": "errors", "Problem": "errors",
    "read_dataset": "io", "read_policy": "io", "Dataset": "model", "Policy": "model",
}
__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'mentornet' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
