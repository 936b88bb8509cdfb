"""The write pipeline of the Neo4j load (no server needed: the write is a plain function)."""
import threading
import time

import pytest

from mentornet.backends.neo4j.load import _Pipeline


class Recorder:
    """A stand-in for the backend's write: records what ran, on which thread; can fail."""

    def __init__(self, fail_on=None, delay=0.0):
        self.ran, self.threads, self.fail_on, self.delay = [], set(), fail_on, delay

    def __call__(self, text, **params):
        self.threads.add(threading.get_ident())
        time.sleep(self.delay)
        if params["n"] == self.fail_on:
            raise ConnectionError(f"batch {params['n']} lost")
        self.ran.append(params["n"])
        return [{"n": params["n"]}]


def test_results_come_back_in_order_on_the_callers_thread():
    write, seen, callers = Recorder(delay=0.005), [], set()
    with _Pipeline(write) as pipe:
        for n in range(10):
            pipe.submit("text", {"n": n}, lambda params, result: (seen.append((params["n"], result[0]["n"])),
                                                                  callers.add(threading.get_ident())))
    assert seen == [(n, n) for n in range(10)]
    assert write.ran == list(range(10))
    assert callers == {threading.get_ident()} and threading.get_ident() not in write.threads


def test_the_first_error_is_raised_and_nothing_is_sent_after_it():
    write = Recorder(fail_on=2, delay=0.02)
    with pytest.raises(ConnectionError, match="batch 2 lost"):
        with _Pipeline(write) as pipe:
            for n in range(6):
                pipe.submit("text", {"n": n}, lambda params, result: None)
    assert write.ran == [0, 1]  # batch 3 was queued behind 2 but never sent


def test_an_error_in_done_stops_the_pipeline_without_hanging():
    write = Recorder(delay=0.02)

    def done(params, result):
        if params["n"] == 1:
            raise ValueError("bad result")

    start = time.monotonic()
    with pytest.raises(ValueError, match="bad result"):
        with _Pipeline(write) as pipe:
            for n in range(6):
                pipe.submit("text", {"n": n}, done)
    assert time.monotonic() - start < 5
    assert max(write.ran) <= 3  # at most the batches already queued when 1 was checked


def test_at_most_depth_statements_wait_at_once():
    release, started = threading.Event(), []

    def write(text, **params):
        started.append(params["n"])
        release.wait(5)
        return []

    pipe = _Pipeline(write, depth=2)
    with pipe:
        pipe.submit("t", {"n": 0}, lambda p, r: None)
        pipe.submit("t", {"n": 1}, lambda p, r: None)
        assert len(pipe._pending) == 2
        release.set()
        pipe.submit("t", {"n": 2}, lambda p, r: None)  # waits for batch 0 first
        assert len(pipe._pending) == 2
    assert started == [0, 1, 2]


def test_with_two_workers_two_statements_run_at_once_and_results_stay_in_order():
    both_running, running, lock, seen = threading.Event(), [0], threading.Lock(), []

    def write(text, **params):
        with lock:
            running[0] += 1
            if running[0] == 2:
                both_running.set()
        both_running.wait(5)  # a lone worker would wait here for the whole timeout
        time.sleep(0.01 * (params["n"] % 3))  # finish out of order
        with lock:
            running[0] -= 1
        return [{"n": params["n"]}]

    start = time.monotonic()
    with _Pipeline(write, workers=2) as pipe:
        for n in range(8):
            pipe.submit("text", {"n": n}, lambda params, result: seen.append(result[0]["n"]))
    assert both_running.is_set() and time.monotonic() - start < 4
    assert seen == list(range(8))


def test_with_two_workers_the_first_error_still_stops_what_was_not_yet_sent():
    ran, three_started = [], threading.Event()

    def write(text, **params):
        n = params["n"]
        if n == 2:
            three_started.wait(5)  # fail while batch 3 runs on the other worker
            raise ConnectionError("batch 2 lost")
        if n == 3:
            three_started.set()
            time.sleep(0.05)
        ran.append(n)
        return []

    with pytest.raises(ConnectionError, match="batch 2 lost"):
        with _Pipeline(write, workers=2, depth=8) as pipe:
            for n in range(10):
                pipe.submit("text", {"n": n}, lambda params, result: None)
    # 3 was running when 2 failed and finished; 4 to 7 were queued behind them and never sent
    assert sorted(ran) == [0, 1, 3]
