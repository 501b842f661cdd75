"""A script at a terminal, as a person runs it: its standard input, output and error are a
pseudo-terminal, which hands typed input over line by line and echoes it."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import IO

from tests.helpers.processes import SCRIPTS, STARTUP_TIMEOUT_SECONDS


class ScriptAtATerminal:
    def __init__(self, process: subprocess.Popen[bytes], terminal: int) -> None:
        self.process = process
        self._terminal = terminal
        self._output = b""
        self._closed = False
        self._changed = threading.Condition()
        threading.Thread(target=self._read, name="terminal-reader", daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._terminal, 4096)
            except OSError:  # EIO: the script exited, nothing holds the terminal open.
                chunk = b""
            with self._changed:
                self._output += chunk
                self._closed = not chunk
                self._changed.notify_all()
            if not chunk:
                return

    def output(self) -> str:
        """What the terminal shows, with its line ends as a file has them."""
        with self._changed:
            return self._output.decode(errors="replace").replace("\r\n", "\n")

    def wait_for(self, text: str, timeout: float = STARTUP_TIMEOUT_SECONDS) -> None:
        """Wait until the terminal shows `text`; fail with what it shows if it never does."""
        with self._changed:
            self._changed.wait_for(lambda: text in self.output() or self._closed, timeout)
        assert text in self.output(), f"{text!r} never shown:\n{self.output()}"

    def exit_code(self, timeout: float = STARTUP_TIMEOUT_SECONDS) -> int:
        """The script's exit code once it exits and all it wrote is read; fails, with what the
        terminal shows, if it does not exit in `timeout` seconds."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running:\n{self.output()}") from None
        with self._changed:
            self._changed.wait_for(lambda: self._closed, timeout)
        return code


@contextmanager
def script_at_a_terminal(
    name: str, *args: str, environment: Mapping[str, str]
) -> Iterator[ScriptAtATerminal]:
    """Run a script at a pseudo-terminal of its own; killed on the way out if still running."""
    terminal, script_side = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, str(SCRIPTS / name), *args],
        env=dict(environment),
        stdin=script_side,
        stdout=script_side,
        stderr=script_side,
        start_new_session=True,  # Not this test's terminal, if it has one.
    )
    os.close(script_side)  # The script's copy keeps it open until it exits.
    try:
        yield ScriptAtATerminal(process, terminal)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(terminal)


@contextmanager
def typed_at_a_terminal(typed: str) -> Iterator[IO[str]]:
    """Standard input for a script run in this process: a terminal at which `typed` was
    typed, handed over line by line."""
    terminal, script_side = pty.openpty()
    os.write(terminal, typed.encode())
    try:
        with os.fdopen(script_side, "r") as stdin:
            yield stdin
    finally:
        os.close(terminal)
