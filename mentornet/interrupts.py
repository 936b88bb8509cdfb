"""Ctrl-C between the steps of work that must not be cut in the middle of one.

Standard library only; the command line's own Ctrl-C rules are in :mod:`mentornet.launch`.
"""
from __future__ import annotations

import signal
import threading


class CtrlCBetweenSteps:
    """Ctrl-C held back until the caller's next :meth:`check`, for work that must not be cut
    in the middle of a step: ``with CtrlCBetweenSteps() as ctrl_c: ... ctrl_c.check() ...``.

    Python runs a signal handler in the main thread between any two bytecodes, including
    inside another library's ``__del__``, where the KeyboardInterrupt it raises is printed
    and dropped. That happened to ``mentornet load``: a Ctrl-C that landed in the Neo4j
    driver's ``Workspace.__del__`` was ignored, so the load ran on to the end (2 of 100 tries
    under load), and in one CI run a load sent Ctrl-C had not ended 300 s later. Inside this block the
    first Ctrl-C only sets :attr:`pressed`, and :meth:`check` raises KeyboardInterrupt at a
    point the caller chose. A second Ctrl-C goes to the handler that was there before (it
    raises at once, as without this block), so a user who cannot wait still can stop. A
    Ctrl-C still pending when the block ends without an error goes to that handler then.

    Only the main thread can set a signal handler; in any other thread, or when Ctrl-C is
    ignored (``SIG_IGN``) or not Python's to handle (``SIG_DFL``), this block changes nothing.
    """

    def __init__(self):
        self.pressed = False
        self._before = None

    def __enter__(self) -> "CtrlCBetweenSteps":
        if threading.current_thread() is threading.main_thread():
            before = signal.getsignal(signal.SIGINT)
            if callable(before):
                self._before = before
                signal.signal(signal.SIGINT, self._hold)
        return self

    def _hold(self, signum, frame) -> None:
        if self.pressed:
            self._before(signum, frame)
        self.pressed = True

    def check(self) -> None:
        """Raise KeyboardInterrupt if Ctrl-C was pressed since the block began."""
        if self.pressed:
            raise KeyboardInterrupt

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._before is None:
            return
        signal.signal(signal.SIGINT, self._before)
        if exc_type is None and self.pressed:
            self._before(signal.SIGINT, None)
