"""Running the sample scripts as a user would: separate processes, real environment."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from openai_agents.model_providers.support.dev_server import free_local_port
from testkit.environment import isolated_environment

SCRIPTS = Path(__file__).resolve().parents[2] / "openai_agents" / "model_providers"
WORKER_READY = "Worker serving"
# Generous: a cold import of the Agents SDK and LiteLLM takes several seconds on 2 cores.
STARTUP_TIMEOUT_SECONDS = 90.0
SCRIPT_TIMEOUT_SECONDS = 180.0

# The test process sets these for itself; the scripts must set them on their own.
_SET_BY_THE_TESTS = (
    "OPENAI_AGENTS_DISABLE_TRACING",
    "LITELLM_LOCAL_MODEL_COST_MAP",
    "LITELLM_OFFLINE_MODE",
)


def script_environment(**overrides: str) -> dict[str, str]:
    """This process's environment for a script, without what the tests set for themselves."""
    return isolated_environment(without=_SET_BY_THE_TESTS, **overrides)


def run_script(
    name: str, *args: str, environment: Mapping[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPTS / name), *args],
        env=dict(environment),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_SECONDS,
    )


class BackgroundScript:
    def __init__(self, process: subprocess.Popen[str], log: Path) -> None:
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text()

    def interrupt(self, timeout: float = 30) -> int:
        """Press Ctrl-C (SIGINT) and wait for the exit code."""
        return interrupted(self.process, timeout, self.output)


def interrupted(process: subprocess.Popen[str], timeout: float, output: Callable[[], str]) -> int:
    """Send `process` SIGINT and wait for its exit code; if it does not exit in `timeout`
    seconds, fail saying how the process held the signal (ignored, blocked or pending)."""
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        held = signal_dispositions(process.pid)
        raise AssertionError(
            f"no exit {timeout:g}s after SIGINT ({held}); its output:\n{output()}"
        ) from None


def signal_dispositions(pid: int) -> str:
    """A process's ignored, blocked and pending signal masks, as Linux reports them."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "no /proc status"
    fields = ("SigIgn", "SigBlk", "SigPnd", "ShdPnd")
    return ", ".join(
        line.replace("\t", " ") for line in status.splitlines() if line.startswith(fields)
    )


@contextmanager
def background_script(
    name: str,
    *args: str,
    environment: Mapping[str, str],
    tmp_path: Path,
    ready_text: str,
    stdin: str | None = None,
    timeout: float = STARTUP_TIMEOUT_SECONDS,
) -> Iterator[BackgroundScript]:
    """Start a script, wait until it prints `ready_text` (at most `timeout` seconds), and
    Ctrl-C it on the way out. `stdin`, if given, is piped to the script, then its standard
    input ends."""
    log = tmp_path / f"{name}.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, str(SCRIPTS / name), *args],
            env=dict(environment),
            stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
        )
    if stdin is not None:
        assert process.stdin is not None
        process.stdin.write(stdin)
        process.stdin.close()
    script = BackgroundScript(process, log)
    try:
        _wait_for_output(script, ready_text, timeout)
        yield script
    finally:
        if process.poll() is None:
            try:
                script.interrupt()
            except AssertionError:
                process.kill()
                process.wait()


def running_worker(
    name: str, *args: str, environment: Mapping[str, str], tmp_path: Path
) -> AbstractContextManager[BackgroundScript]:
    """A worker script, serving once this is entered; stopped with Ctrl-C on exit."""
    return background_script(
        name, *args, environment=environment, tmp_path=tmp_path, ready_text=WORKER_READY
    )


def _wait_for_output(script: BackgroundScript, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while text not in script.output():
        if script.process.poll() is not None:
            raise AssertionError(f"{text!r} never printed before exit:\n{script.output()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} not printed in time:\n{script.output()}")
        time.sleep(0.2)


WEATHER = "The weather in Tokyo is sunny."
"""What the weather tool answers for Tokyo: seen in a result, it went through the model."""


def printed_result(stdout: str) -> str:
    """What follows `Result:` (a haiku spans several lines), up to the usage line."""
    assert "\nResult: " in stdout, f"no Result: line in\n{stdout}"
    return stdout.split("\nResult: ", 1)[1].split("\nUsage: ", 1)[0]


def closed_port_address() -> str:
    """An address where nothing listens."""
    return f"127.0.0.1:{free_local_port()}"


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """Poll `condition` until it holds; fail, naming `what`, after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.1)
