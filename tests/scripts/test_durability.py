"""Temporal's reason to exist: a worker killed mid-workflow loses nothing, and a model call
that completed is never made again. Real scripts, a real dev server, SIGKILL."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from temporalio.client import Client

from openai_agents.model_providers.workflows.gpt_oss_workflow import WORKFLOW_ID_PREFIX
from tests.fakes import ollama_openai
from tests.fakes.http_server import held
from tests.fakes.ollama_openai import FakeOllamaOpenAI
from tests.helpers.processes import (
    WEATHER,
    background_script,
    printed_result,
    running_worker,
    script_environment,
)
from tests.helpers.workflow_runs import model_call_attempts

# Short, so that Temporal gives up on the killed worker's call within seconds (the
# default is 30 s): an activity's worker cannot report its own death.
MODEL_CALL_TIMEOUT = "5"


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.1)


def tool_results_sent(request: dict[str, Any]) -> int:
    return sum(1 for message in request["messages"] if message["role"] == "tool")


async def test_a_killed_worker_resumes_without_repeating_the_completed_model_call(
    dev_server_address: str, tmp_path: Path
) -> None:
    second_call_in_flight = threading.Event()
    steps = [
        ollama_openai.call_tool("get_weather", city="Tokyo"),
        # The second model call is caught in flight: the worker dies while it waits.
        held(ollama_openai.answer_quoting_tool_result(), second_call_in_flight),
        ollama_openai.answer_quoting_tool_result(),
    ]
    with FakeOllamaOpenAI(steps) as ollama:
        environment = script_environment(
            TEMPORAL_ADDRESS=dev_server_address, OLLAMA_HOST=ollama.url
        )
        worker_args = ("--timeout", MODEL_CALL_TIMEOUT)
        workflow_id = f"{WORKFLOW_ID_PREFIX}-durability-{uuid.uuid4().hex[:8]}"
        with (
            running_worker(
                "run_gpt_oss_worker.py", *worker_args, environment=environment, tmp_path=tmp_path
            ) as first_worker,
            background_script(
                "run_gpt_oss_workflow.py",
                "--workflow-id",
                workflow_id,
                environment=environment,
                tmp_path=tmp_path,
                ready_text="Running workflow",
            ) as starter,
        ):
            wait_until(lambda: len(ollama.chat_requests) == 2, "the second model call is made")
            first_worker.process.kill()  # SIGKILL: no graceful shutdown, nothing flushed.
            first_worker.process.wait()
            second_call_in_flight.set()

            (tmp_path / "second").mkdir()
            with running_worker(
                "run_gpt_oss_worker.py",
                *worker_args,
                environment=environment,
                tmp_path=tmp_path / "second",
            ):
                assert starter.process.wait(timeout=120) == 0, starter.output()

        assert WEATHER in printed_result(starter.output())
        requests = ollama.chat_requests

    # The first model call (the one without a tool result) was made once, before the
    # kill; only the call that was in flight was made again, by the new worker.
    assert [tool_results_sent(r) for r in requests] == [0, 1, 1]
    client = await Client.connect(dev_server_address)
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    assert model_call_attempts(history) == [1, 2]
