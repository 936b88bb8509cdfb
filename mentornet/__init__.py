"""mentornet: mentor networks in academic medicine.

The library under the ``mentornet`` command::

    import datetime as dt
    import mentornet

    ds = mentornet.read_dataset("examples/radiology")
    gaps = mentornet.find_gaps(ds, policy=mentornet.Policy(), as_of=dt.date(2026, 11, 25))

Everything returns pandas DataFrames.
"""
__version__ = "0.1.0"

from .analysis import active_mentorships, find_gaps, mentee_needs  # noqa: E402
from .errors import BackendUnavailable, DataError, Problem  # noqa: E402
from .io import read_dataset, read_policy  # noqa: E402
from .model import Dataset, Policy  # noqa: E402

__all__ = [
    "BackendUnavailable", "DataError", "Dataset", "Policy", "Problem", "active_mentorships",
    "find_gaps", "mentee_needs", "read_dataset", "read_policy", "__version__",
]
