"""What a person types: lines of a conversation, and answers to a question, read without
holding up Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import AsyncIterator


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
        if not (line := await lines.get()):
            return
        if line.strip():
            if not typing:
                print(f"{prompt}{line.strip()}")
            yield line.strip()


async def typed_answer(prompt: str) -> str:
    """The line typed after `prompt` ('' at the end of input), read in a daemon thread: a
    blocked read must not hold up Ctrl-C."""
    loop, answer = asyncio.get_running_loop(), asyncio.get_running_loop().create_future()

    def read() -> None:
        line = sys.stdin.readline()

        def answered() -> None:
            if not answer.done():  # Not given up on, e.g. by Ctrl-C.
                answer.set_result(line)

        with contextlib.suppress(RuntimeError):  # The loop closed: the script is ending.
            loop.call_soon_threadsafe(answered)

    print(prompt, end="", flush=True)
    threading.Thread(target=read, name="stdin-reader", daemon=True).start()
    return str(await answer).strip()
