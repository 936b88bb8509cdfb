"""Ctrl-C held back to the caller's next check (:class:`mentornet.interrupts.CtrlCBetweenSteps`).

Each test sends itself a real SIGINT with ``os.kill``; Python runs the handler in this (the
main) thread at the next bytecode, as it would for a Ctrl-C at the terminal.
"""
from __future__ import annotations

import gc
import os
import signal
import sys
import threading

import pytest

from mentornet.interrupts import CtrlCBetweenSteps

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="needs POSIX signals")


def press_ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)
    for _ in range(1000):  # bytecodes: the handler runs at one of the first
        pass


class PressedWhileCollected:
    """Like a library object whose ``__del__`` runs while Ctrl-C is pressed (the Neo4j driver's
    ``Workspace.__del__`` in ``mentornet load``); records whether its ``__del__`` ran to the end."""

    finished = False

    def __del__(self):
        press_ctrl_c()
        PressedWhileCollected.finished = True


@pytest.fixture(autouse=True)
def python_handler():
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    PressedWhileCollected.finished = False
    yield
    signal.signal(signal.SIGINT, before)


def test_without_it_a_ctrl_c_inside_a_del_is_dropped(monkeypatch):
    # The premise: Python hands the KeyboardInterrupt raised in __del__ to sys.unraisablehook
    # (which prints it) and carries on, so the Ctrl-C is lost.
    dropped = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: dropped.append(unraisable.exc_type))
    PressedWhileCollected()
    gc.collect()
    assert not PressedWhileCollected.finished  # cut short in the middle,
    assert dropped == [KeyboardInterrupt]  # and nothing raised here


def test_a_ctrl_c_inside_a_del_waits_for_the_next_check():
    with pytest.raises(KeyboardInterrupt):
        with CtrlCBetweenSteps() as ctrl_c:
            PressedWhileCollected()
            gc.collect()
            assert PressedWhileCollected.finished and ctrl_c.pressed
            ctrl_c.check()
            pytest.fail("check() did not raise")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_step_is_never_cut_and_check_raises_only_once_pressed():
    done = []
    with pytest.raises(KeyboardInterrupt):
        with CtrlCBetweenSteps() as ctrl_c:
            for step in range(3):
                ctrl_c.check()
                if step == 1:
                    press_ctrl_c()
                done.append(step)
    assert done == [0, 1]


def test_a_second_ctrl_c_stops_at_once():
    reached = []
    with pytest.raises(KeyboardInterrupt):
        with CtrlCBetweenSteps():
            press_ctrl_c()
            reached.append("after the first")
            press_ctrl_c()
            reached.append("after the second")
    assert reached == ["after the first"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_ctrl_c_not_yet_checked_goes_to_the_earlier_handler_at_the_end():
    calls = []

    def earlier(signum, frame):
        calls.append(signum)

    signal.signal(signal.SIGINT, earlier)
    with CtrlCBetweenSteps():
        press_ctrl_c()
        assert calls == []
    assert calls == [signal.SIGINT]
    assert signal.getsignal(signal.SIGINT) is earlier


def test_a_block_without_ctrl_c_changes_nothing():
    with CtrlCBetweenSteps() as ctrl_c:
        ctrl_c.check()
        assert signal.getsignal(signal.SIGINT) == ctrl_c._hold
    assert not ctrl_c.pressed and signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_ignored_ctrl_c_stays_ignored():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with CtrlCBetweenSteps() as ctrl_c:
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        press_ctrl_c()
        ctrl_c.check()
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN


def test_outside_the_main_thread_it_changes_nothing():
    seen = []

    def work():
        with CtrlCBetweenSteps() as ctrl_c:
            seen.append(signal.getsignal(signal.SIGINT))
            ctrl_c.check()
        seen.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(10)
    assert seen == [signal.default_int_handler, signal.default_int_handler]
