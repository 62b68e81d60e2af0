"""A helper process driven line by line over stdin/stdout (importers in crash and concurrency
tests): it prints "ready" once set up, then answers one line per request."""

from __future__ import annotations

import selectors
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class LineProcess:
    def __init__(self, script: str, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", script, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.selector = selectors.DefaultSelector()
        assert self.process.stdout is not None
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        assert self.line() == "ready"

    def line(self, timeout: float = 120) -> str:
        assert self.selector.select(timeout), "the helper process hangs"
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def send(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def close(self) -> int:
        """Closes stdin, waits for the process to end and returns its exit status."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.selector.close()
        self.process.stdin.close()
        status = self.process.wait(timeout=60)
        self.process.stdout.close()
        return status
