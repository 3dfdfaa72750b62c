"""The lines of a `leadbase load` file: which body came from which line, and how to resume."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson


class BadLine(Exception):
    """A line that is not a JSON body."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def count_lines(source: BinaryIO, skip: int) -> int | None:
    """Bodies after line `skip` of a regular file (for the progress bar); None for a pipe."""
    try:
        if not source.seekable():
            return None
        start = source.tell()
    except (OSError, ValueError):
        return None
    count = sum(1 for number, line in enumerate(source, start=1) if number > skip and line.strip())
    source.seek(start)
    return count


class LineReader:
    """Bodies of the lines after `skip`, remembering each body's line number (8 bytes a body)."""

    def __init__(self, source: BinaryIO, skip: int, batch_size: int) -> None:
        self.source = source
        self.name = getattr(source, "name", "-")
        self.skip = skip
        self.batch_size = batch_size
        self.lines = array("q")

    def bodies(self) -> Iterator[Any]:
        for number, line in enumerate(self.source, start=1):
            if number <= self.skip or not line.strip():
                continue
            try:
                body = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise BadLine(number, f"not JSON ({exc})") from exc
            self.lines.append(number)
            yield body

    def line_of(self, index: int) -> int:
        return self.lines[index]

    def stopped(self, line: int, reason: str, failed_index: int | None = None) -> str:
        """What to tell the user when line `line` stops the load: why, what was kept, how to resume."""
        index = len(self.lines) if failed_index is None else failed_index
        # Each batch is one transaction: the batches before the failing one were committed.
        written = index // self.batch_size * self.batch_size
        resume = self.lines[written - 1] if written else self.skip
        return (
            f"line {line} of {self.name}: {reason}\n"
            f"{written} object(s) were written by this run (lines {self.skip + 1}-{resume}); "
            f"the rest were not. Fix line {line}, then resume with --skip {resume}."
        )
