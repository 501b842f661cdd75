"""The fake Ollama servers (native `/api/chat` and OpenAI-compatible `/v1`), in a process of
their own.

The wire-level fakes are the test suite's (`testkit.fakes`), imported from there rather than
copied: the benchmark then talks to exactly the server shapes the tests prove the clients
against. They run in a separate process so that the benchmark process's CPU time holds
the client's work only (the fakes are threaded HTTP servers: in-process, their threads'
CPU would be counted as the client's).

Run as `python -m bench.fake_ollama CONVERSATIONS` (from the repository root); it prints
one JSON line with both URLs and serves until its stdin closes, so it also ends when the
benchmark dies.
"""

from __future__ import annotations

import json
import socketserver
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.environment import child_environment

REPOSITORY = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class FakeOllamaURLs:
    native: str  # Serves /api/chat and /api/show.
    openai_compatible: str  # Serves /v1/chat/completions and /v1/models/{model}.


@contextmanager
def fake_ollama_process(conversations: int) -> Iterator[FakeOllamaURLs]:
    """Both fakes in a child process, each scripted for `conversations` two-turn runs of
    the weather agent (a tool call, then an answer quoting the tool's result)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.fake_ollama", str(conversations)],
        cwd=REPOSITORY,
        env=child_environment(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"the fake Ollama process exited with {process.wait()}")
        urls = json.loads(line)
        yield FakeOllamaURLs(urls["native"], urls["openai_compatible"])
    finally:
        assert process.stdin is not None
        process.stdin.close()  # Its cue to stop.
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _serve(conversations: int) -> None:
    # Imported here: the parent imports this module for `fake_ollama_process` only and
    # should not load the fakes at all.
    from testkit.fakes import ollama_native, ollama_openai
    from testkit.fakes.http_server import Route

    # Reply without Nagle's algorithm, as a real Ollama does (Go sets TCP_NODELAY on every
    # connection). `http.server` writes the headers and the body separately; with Nagle
    # on, the body waits for the client's delayed ACK of the headers, about 40 ms on
    # Linux, and that wait, not the client, would then be most of each call's wall time.
    # This process is only the fakes' home, so the class-wide switch touches nothing else.
    socketserver.StreamRequestHandler.disable_nagle_algorithm = True

    # A script is consumed one step per request, so it holds every turn of every
    # conversation the benchmark will have, in order.
    native_steps: list[Route] = [
        ollama_native.call_tool("get_weather", city="Tokyo"),
        ollama_native.answer_quoting_tool_result(),
    ] * conversations
    openai_steps: list[Route] = [
        ollama_openai.call_tool("get_weather", city="Tokyo"),
        ollama_openai.answer_quoting_tool_result(),
    ] * conversations
    with ExitStack() as servers:
        native = servers.enter_context(ollama_native.FakeOllama(native_steps))
        compatible = servers.enter_context(ollama_openai.FakeOllamaOpenAI(openai_steps))
        print(json.dumps({"native": native.url, "openai_compatible": compatible.url}), flush=True)
        sys.stdin.read()  # Until the benchmark closes our stdin, or dies.


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
