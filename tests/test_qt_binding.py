"""The Qt binding does not leak references to None (issue 15).

PySide6 6.12.0 dropped a reference to `None` every time a QTimer called a bound Python method; on
Python 3.11 None is not immortal, so its count fell until the interpreter aborted with
"none_dealloc: deallocating None" a few minutes into a session. pyproject.toml keeps that release
out; this test is what a newer release must pass before the constraint is lifted.
"""
import sys

import pytest
from PySide6.QtCore import QCoreApplication, QObject, QTimer

CALLS = 3_000         # a leaking binding loses one reference per call: well below what None holds at start


class Ticker(QObject):
    def __init__(self):
        super().__init__()
        self.calls = 0

    def tick(self):                       # a bound method, as every widget's timer slot is
        self.calls += 1


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_qtimer_calls_into_python_keep_the_count_on_none(qapp):
    ticker = Ticker()
    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(ticker.tick)
    # settle: the first calls may allocate caches that hold None once
    timer.start()
    while ticker.calls < 200:
        QCoreApplication.processEvents()
    before = sys.getrefcount(None)
    start = ticker.calls
    while ticker.calls < start + CALLS:
        QCoreApplication.processEvents()
    timer.stop()
    after = sys.getrefcount(None)
    fired = ticker.calls - start
    # a leak of one reference per call would lose at least CALLS; allow a little noise
    assert after >= before - 100, f"{fired} timer calls lost {before - after} references to None"
