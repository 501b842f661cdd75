"""The real worker, workflow and demo scripts as separate processes, against a real
Temporal dev server and local model servers."""

from __future__ import annotations

import asyncio
import re
import runpy
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers.support.dev_server import free_local_port
from testkit.fakes import anthropic_messages, ollama_openai
from testkit.fakes.anthropic_messages import FakeAnthropic
from testkit.fakes.ollama_openai import FakeOllamaOpenAI
from tests.helpers.processes import (
    SCRIPTS,
    WEATHER,
    background_script,
    interrupted,
    printed_result,
    run_script,
    running_worker,
    script_environment,
    wait_until,
)
from tests.helpers.terminals import script_at_a_terminal
from tests.helpers.usage import ANTHROPIC_CALL, LOCAL, OLLAMA_CALL, anthropic_cost, usage

TRACE_EXPORT_WARNING = "skipping trace export"


def fake_ollama(runs: int = 1) -> FakeOllamaOpenAI:
    """An Ollama whose model calls the weather tool, then answers, `runs` times over."""
    steps = [
        ollama_openai.call_tool("get_weather", city="Tokyo"),
        ollama_openai.answer_quoting_tool_result(),
    ]
    return FakeOllamaOpenAI(steps * runs)


def fake_anthropic() -> FakeAnthropic:
    """An Anthropic API whose model calls the weather tool, then answers."""
    return FakeAnthropic(
        [
            anthropic_messages.call_tool("get_weather", city="Tokyo"),
            anthropic_messages.answer_quoting_tool_result(),
        ]
    )


def litellm_environment(temporal_address: str, anthropic: FakeAnthropic) -> dict[str, str]:
    return script_environment(
        TEMPORAL_ADDRESS=temporal_address,
        ANTHROPIC_API_KEY="sk-ant-test-key",
        ANTHROPIC_BASE_URL=anthropic.url,
    )


def test_gpt_oss_worker_and_workflow_scripts(dev_server_address: str, tmp_path: Path) -> None:
    with fake_ollama(runs=2) as ollama:
        environment = script_environment(
            TEMPORAL_ADDRESS=dev_server_address, OLLAMA_HOST=ollama.url
        )
        with running_worker(
            "run_gpt_oss_worker.py", environment=environment, tmp_path=tmp_path
        ) as worker:
            first = run_script("run_gpt_oss_workflow.py", environment=environment)
            assert first.returncode == 0, first.stderr
            assert WEATHER in printed_result(first.stdout)
            # The same script again: fresh workflow ids, so no "workflow already started".
            second = run_script(
                "run_gpt_oss_workflow.py", "--prompt", "Weather in Oslo?", environment=environment
            )
        worker_output = worker.output()

    assert second.returncode == 0, second.stderr
    assert "Running workflow litellm-gpt-oss-workflow-id-" in first.stdout
    # Ollama's `/v1` usage, on a server of your own.
    assert first.stdout.splitlines()[-1] == f"Usage: {usage('gpt-oss:20b', 2, OLLAMA_CALL, LOCAL)}"
    assert len(ollama.chat_requests) == 4
    # The weather tool's INFO log line is in the worker's output (no --verbose needed).
    assert "Getting weather for Tokyo" in worker_output
    # Tracing is off: the worker never tries to export traces to OpenAI, so it never
    # warns that it has no OPENAI_API_KEY to do it with.
    assert TRACE_EXPORT_WARNING not in worker_output
    assert "Traceback" not in worker_output


def test_litellm_worker_and_workflow_scripts(dev_server_address: str, tmp_path: Path) -> None:
    with fake_anthropic() as anthropic:
        environment = litellm_environment(dev_server_address, anthropic)
        with running_worker(
            "run_litellm_provider_worker.py", environment=environment, tmp_path=tmp_path
        ) as worker:
            completed = run_script("run_litellm_auto_workflow.py", environment=environment)
        worker_output = worker.output()

    assert completed.returncode == 0, completed.stderr
    assert WEATHER in printed_result(completed.stdout)
    assert len(anthropic.message_requests) == 2
    assert "Running workflow litellm-auto-workflow-id-" in completed.stdout
    assert completed.stdout.splitlines()[-1] == "Usage: " + usage(
        "anthropic/claude-sonnet-4-5",
        2,
        ANTHROPIC_CALL,
        anthropic_cost(*(2 * n for n in ANTHROPIC_CALL)),
    )
    assert "Provider List" not in worker_output
    assert TRACE_EXPORT_WARNING not in worker_output


@pytest.mark.long
def test_worker_flags_bound_the_attempts_and_the_time_per_model_call(
    dev_server_address: str, tmp_path: Path
) -> None:
    """The real worker's flags, as a user passes them: the first attempt fails (HTTP 500),
    the second outlasts --timeout, and there is no third. The same worker runs with tracing
    re-enabled and no OpenAI key: it does warn about the export it cannot make, so the
    tracing check in the test above can fail."""
    steps = [ollama_openai.fail(500, "model runner crashed"), ollama_openai.hang(seconds=25)]
    with FakeOllamaOpenAI(steps) as ollama:
        environment = script_environment(
            TEMPORAL_ADDRESS=dev_server_address,
            OLLAMA_HOST=ollama.url,
            OPENAI_AGENTS_DISABLE_TRACING="0",
        )
        with running_worker(
            "run_gpt_oss_worker.py",
            # 4 s leaves the client's 3 s timeout a full second before the activity's,
            # time enough to report the failure even on a busy machine.
            *("--timeout", "4", "--max-attempts", "2"),
            environment=environment,
            tmp_path=tmp_path,
        ) as worker:
            completed = run_script("run_gpt_oss_workflow.py", environment=environment)
            # The export is tried as the trace ends, after the run: wait for the line itself.
            wait_until(lambda: TRACE_EXPORT_WARNING in worker.output(), "the export is tried")

    assert completed.returncode == 1
    assert len(ollama.chat_requests) == 2
    timed_out = (
        f"Ollama at {ollama.url} did not answer model 'gpt-oss:20b' within 3s; "
        "the model may be loading or overloaded (raise --timeout, or use a smaller model)"
    )
    (line,) = completed.stderr.strip().splitlines()
    assert line.endswith(f"failed: {timed_out}")
    # The worker logs each failed attempt as one line, not a traceback per retry.
    attempt_lines = [
        line for line in worker.output().splitlines() if "Completing activity as failed" in line
    ]
    assert len(attempt_lines) == 2
    server_error = (
        f"ProviderServerError: Ollama at {ollama.url} failed with HTTP 500 (model runner crashed)"
    )
    assert attempt_lines[0].endswith(server_error), attempt_lines
    assert attempt_lines[1].endswith(f"ModelCallTimeout: {timed_out}"), attempt_lines
    assert "Traceback" not in worker.output()


async def test_demo_runs_the_litellm_sample_on_a_configured_server_on_the_fast_path(
    dev_server_env: WorkflowEnvironment, dev_server_address: str
) -> None:
    with fake_anthropic() as anthropic:
        environment = litellm_environment(dev_server_address, anthropic)
        environment["AGENTS_FAST_PATH"] = "1"
        completed = run_script("run_demo.py", "--sample", "litellm", environment=environment)
    assert completed.returncode == 0, completed.stderr
    assert WEATHER in printed_result(completed.stdout)
    assert "Starting the bundled Temporal dev server" not in completed.stdout

    # Both model calls ran as local activities: recorded as markers, never scheduled.
    workflow_id = re.search(r"Running workflow (\S+) ", completed.stdout)
    assert workflow_id, completed.stdout
    history = await dev_server_env.client.get_workflow_handle(workflow_id[1]).fetch_history()
    kinds = [event.WhichOneof("attributes") for event in history.events]
    assert kinds.count("marker_recorded_event_attributes") == 2
    assert "activity_task_scheduled_event_attributes" not in kinds


def test_demo_shuts_everything_down_on_ctrl_c(tmp_path: Path) -> None:
    with (
        FakeOllamaOpenAI([ollama_openai.hang(seconds=60)]) as ollama,
        background_script(
            "run_demo.py",
            environment=script_environment(OLLAMA_HOST=ollama.url),
            tmp_path=tmp_path,
            ready_text="Running workflow",
        ) as demo,
    ):
        # Ctrl-C while the model is still thinking about its answer.
        wait_until(lambda: len(ollama.chat_requests) == 1, "the first model call is made")
        exit_code = demo.interrupt()
        output = demo.output()

    assert exit_code == 130
    assert output.rstrip().endswith("Interrupted.")
    assert "Traceback" not in output
    # The demo's own Temporal dev server, its gRPC port and its Web UI, are gone with it.
    log = re.search(r"its output goes to (\S+)\)", output)
    assert log, output
    banner = Path(log.group(1)).read_text()
    ports = re.search(r"Temporal Server: +\S+:(\d+)\n.*\nTemporal UI: +\S+:(\d+)", banner)
    assert ports, banner
    for port in map(int, ports.groups()):
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open"


def test_ctrl_c_at_the_chat_prompt_exits_at_once(dev_server_address: str) -> None:
    """Ctrl-C while the chat waits for a line: the script exits, though the thread reading
    standard input is still blocked in its read."""
    chat = subprocess.Popen(
        [sys.executable, str(SCRIPTS / "run_chat_workflow.py")],
        env=script_environment(TEMPORAL_ADDRESS=dev_server_address),
        stdin=subprocess.PIPE,  # Held open: no line, and no end of input, ever comes.
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert chat.stdout is not None
        while "Type a message" not in (line := chat.stdout.readline()):
            assert line, "the chat ended before it asked for a message"
        exit_code = interrupted(chat, 20, lambda: "(read by the test)")
    finally:
        chat.kill()
        chat.wait()

    assert exit_code == 130
    assert chat.stdout.read().strip() == "Interrupted."


async def test_ctrl_c_in_a_chat_says_how_to_rejoin_the_conversation(
    dev_server_env: WorkflowEnvironment, dev_server_address: str
) -> None:
    """Ctrl-C while a message's Update is in flight (the Temporal client turns the
    cancellation into its own error, which must still read as the interruption it is), and
    at the prompt of the chat rejoined: each says how to rejoin the conversation."""
    client = dev_server_env.client
    query = 'WorkflowType="ChatWorkflow" AND ExecutionStatus="Running"'
    before = {execution.id async for execution in client.list_workflows(query)}
    chat = subprocess.Popen(
        [sys.executable, str(SCRIPTS / "run_chat_workflow.py")],
        env=script_environment(TEMPORAL_ADDRESS=dev_server_address),
        stdin=subprocess.PIPE,  # Held open after the message: no end of input comes.
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    started: set[str] = set()
    try:
        assert chat.stdin is not None and chat.stdout is not None
        chat.stdin.write("What's the weather in Tokyo?\n")
        chat.stdin.flush()
        # No worker polls the task queue here: the message waits for its reply for ever.
        for _ in range(200):
            started = {e.id async for e in client.list_workflows(query)} - before
            if started:
                break
            await asyncio.sleep(0.1)
        assert started, "the chat started no conversation"
        exit_code = interrupted(chat, 20, lambda: "(read by the test)")
        output = chat.stdout.read()
        # Rejoined as the hint says, at a terminal, then Ctrl-C at the prompt: the same hint.
        [conversation_id] = started
        with script_at_a_terminal(
            "run_chat_workflow.py",
            *("--conversation-id", conversation_id),
            environment=script_environment(TEMPORAL_ADDRESS=dev_server_address),
        ) as rejoined:
            rejoined.wait_for("you> ")
            rejoined.process.send_signal(signal.SIGINT)
            rejoined_exit_code = rejoined.exit_code()
    finally:
        chat.kill()
        chat.wait()
        for workflow_id in started:  # No later test's worker should answer it.
            await client.get_workflow_handle(workflow_id).terminate()

    # The conversation goes on without this terminal: one line says how to get back to it.
    hint = (
        f"Left conversation {conversation_id} running: rejoin it with --conversation-id "
        f"{conversation_id}, and send /end there to close it.\nInterrupted."
    )
    assert exit_code == 130
    assert output.strip().endswith(hint), output
    assert rejoined_exit_code == 130
    # The prompt's line ended first (a terminal shows the ^C typed there).
    assert rejoined.output().endswith(f"you> \n{hint}\n"), rejoined.output()


def test_the_weather_mcp_server_stops_on_ctrl_c_in_one_line(tmp_path: Path) -> None:
    port = free_local_port()
    with background_script(
        "run_weather_mcp_server.py",
        environment=script_environment(WEATHER_MCP_URL=f"http://127.0.0.1:{port}/mcp"),
        tmp_path=tmp_path,
        ready_text="Ctrl-C to stop",
    ) as server:
        wait_until(lambda: accepts_connections(port), "the weather MCP server listens")
        exit_code = server.interrupt()
        output = server.output()

    assert exit_code == 130
    # Its start in one line, as a worker's lines read (time, level, logger), its stop in one.
    started, stopped = output.splitlines()
    assert re.fullmatch(
        rf"\d{{4}}-\d\d-\d\d [\d:,]+ INFO root: Weather MCP server on "
        rf"http://127\.0\.0\.1:{port}/mcp; Ctrl-C to stop",
        started,
    ), started
    assert stopped == "Interrupted."


def accepts_connections(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


# The MCP sample's tool service: it talks MCP, not Temporal.
SERVES_NO_TEMPORAL = {"run_weather_mcp_server.py"}


@pytest.mark.parametrize("script", sorted(path.name for path in SCRIPTS.glob("run_*.py")))
def test_every_script_has_help(
    script: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The script as `python script.py --help` runs it, in this process: argparse prints the
    # help and exits before anything else happens.
    monkeypatch.setattr(sys, "argv", [script, "--help"])
    with pytest.raises(SystemExit) as exited:
        runpy.run_path(str(SCRIPTS / script), run_name="__main__")
    assert exited.value.code == 0
    help_text = capsys.readouterr().out
    assert "--verbose" in help_text
    if script in SERVES_NO_TEMPORAL:
        assert "WEATHER_MCP_URL" in help_text  # Where it listens.
    else:
        assert "TEMPORAL_ADDRESS" in help_text  # Where it finds Temporal, e.g. on another port.
        assert help_text.count("OTEL_EXPORTER_OTLP_ENDPOINT") == 1  # Where traces go.
