"""What a person types: lines of a conversation, and answers to a question that may stop
being asked, read without holding up Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

if sys.platform != "win32":
    import termios


async def typed_lines(prompt: str) -> AsyncIterator[str]:
    """Each non-blank line of standard input until its end. Someone typing sees `prompt`
    first; piped lines are echoed after it, so the output reads as a transcript."""
    typing = sys.stdin.isatty()
    loop, lines = asyncio.get_running_loop(), asyncio.Queue[str]()

    def read() -> None:  # In a daemon thread: a blocked read must not hold up Ctrl-C.
        with contextlib.suppress(RuntimeError):  # The loop closed: the script is ending.
            for line in iter(sys.stdin.readline, ""):
                loop.call_soon_threadsafe(lines.put_nowait, line)
            loop.call_soon_threadsafe(lines.put_nowait, "")  # The end of input.

    threading.Thread(target=read, name="stdin-reader", daemon=True).start()
    while True:
        if typing:
            print(prompt, end="", flush=True)
        try:
            line = await lines.get()
        except asyncio.CancelledError:  # Ctrl-C: what the script says next starts a line.
            if typing:
                print()
            raise
        if not line:
            return
        if line.strip():
            if not typing:
                print(f"{prompt}{line.strip()}")
            yield line.strip()


async def typed_answer(prompt: str, until: asyncio.Future[Any]) -> str | None:
    """The line typed after `prompt` ('' at the end of input), or None if `until` is done
    first: then the prompt is withdrawn, and what was half typed is dropped. The read
    never blocks the event loop, so it can be given up on (and Ctrl-C stops it)."""
    print(prompt, end="", flush=True)
    line = asyncio.get_running_loop().create_future()
    with _line_read_into(line):
        try:
            await asyncio.wait([line, until], return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:  # Ctrl-C: what the script says next starts a line.
            print()
            raise
    if line.done():
        return str(line.result()).strip()
    print()  # Ends the withdrawn prompt's line.
    if sys.platform != "win32" and sys.stdin.isatty():
        termios.tcflush(sys.stdin.fileno(), termios.TCIFLUSH)
    return None


@contextlib.contextmanager
def _line_read_into(line: asyncio.Future[str]) -> Iterator[None]:
    """Set `line` to the next line of standard input once it is typed, while in this block."""
    loop, stdin = line.get_loop(), sys.stdin.fileno()

    def read() -> None:  # Called once a line waits: a terminal hands input over line by line.
        if line.done():  # Called again before the reader is removed: leave the next line.
            return
        typed = b""
        while not typed.endswith(b"\n") and (byte := os.read(stdin, 1)):
            typed += byte  # One byte at a time: the next line stays for the next prompt.
        line.set_result(typed.decode(errors="replace"))

    try:
        loop.add_reader(stdin, read)
    except NotImplementedError:  # Windows' event loop watches no terminal: a thread reads.
        threading.Thread(target=_read_in_thread, args=(line,), daemon=True).start()
        yield
        return
    try:
        yield
    finally:
        loop.remove_reader(stdin)


def _read_in_thread(line: asyncio.Future[str]) -> None:
    """Windows only: a blocked read cannot be given up on, and takes the next line typed."""
    typed = sys.stdin.readline()

    def answered() -> None:
        if not line.done():  # Not given up on.
            line.set_result(typed)

    with contextlib.suppress(RuntimeError):  # The loop closed: the script is ending.
        line.get_loop().call_soon_threadsafe(answered)
