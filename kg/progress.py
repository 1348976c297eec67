"""Progress of the build's long steps: a bar with counts, rate and time left on a terminal
(tqdm), one summary line per step otherwise, nothing when quiet.

>>> import io
>>> out = io.StringIO()
>>> report = Progress(out, bars=False, clock=iter(range(0, 100, 2)).__next__)
>>> with report.step("read and map", 3, "files") as step:
...     step.advance(2); step.advance(1)
>>> print(out.getvalue().strip())
kg: read and map: 3 files in 2.0 s (1.5 files/s)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

#: Steps shorter than this print no summary line (they are not worth a line).
SUMMARY_FROM = 1.0


class Step:
    """One running step: call :meth:`advance` as work gets done."""

    def __init__(self, bar: Any = None) -> None:
        self.done = 0
        self._bar = bar

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(n)


class Progress:
    """Where progress goes: *stream* (stderr), as bars when it is a terminal."""

    def __init__(self, stream: TextIO | None = None, bars: bool | None = None,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.bars = self.stream.isatty() if bars is None else bars
        self.clock = clock

    @contextmanager
    def step(self, name: str, total: int | None, unit: str) -> Iterator[Step]:
        start = self.clock()
        bar = None
        if self.bars:
            from tqdm import tqdm

            bar = tqdm(total=total, unit=f" {unit}", desc=name, file=self.stream, leave=False, dynamic_ncols=True,
                       mininterval=0.5, unit_scale=total is None or total >= 10_000)
        step = Step(bar)
        try:
            yield step
        finally:
            if bar is not None:
                bar.close()
        seconds = self.clock() - start
        if seconds >= SUMMARY_FROM or not self.bars:
            rate = f" ({step.done / seconds:,.1f} {unit}/s)" if seconds > 0 and step.done else ""
            print(f"kg: {name}: {step.done:,} {counted(step.done, unit)} in {seconds:.1f} s{rate}",
                  file=self.stream, flush=True)


def counted(n: int, unit: str) -> str:
    """*unit* (a plural) as it reads after the count *n*.

    >>> counted(1, "stories"), counted(1, "shards"), counted(2, "shards")
    ('story', 'shard', 'shards')
    """
    if n != 1:
        return unit
    return unit[:-3] + "y" if unit.endswith("ies") else unit[:-1] if unit.endswith("s") else unit


class Quiet(Progress):
    """No progress at all (``-q``, and library use)."""

    def __init__(self) -> None:
        super().__init__(stream=sys.stderr, bars=False)

    @contextmanager
    def step(self, name: str, total: int | None, unit: str) -> Iterator[Step]:
        yield Step()
