"""Which model the demo runs on: Ollama where it answers, else the bundled model (unless
a provider key is set or --no-bundled-model refuses it), and --bundled-model on request.
In this process, on the time-skipping server, with wire-level fakes for Ollama and for the
bundled llama-server (`FakeLlamaCpp`, started where the demo would start the real one);
the real one is run by tests/real_model/test_demo_on_the_bundled_model.py."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers import run_demo
from openai_agents.model_providers.support import bundled_model
from testkit.fakes import ollama_openai
from testkit.fakes.http_server import Route
from testkit.fakes.ollama_openai import FakeLlamaCpp, FakeOllamaOpenAI
from tests.helpers.in_process import failure_of, script_arguments
from tests.helpers.processes import WEATHER, closed_port_address, printed_result

STANDS_IN = "running the GPT-OSS sample on the bundled model"
STAND_IN_NOTE = "It is a 135M-parameter stand-in for gpt-oss:20b"


def weather_run() -> list[Route]:
    """The model calls the weather tool, then answers with its result."""
    return [
        ollama_openai.call_tool("get_weather", city="Tokyo"),
        ollama_openai.answer_quoting_tool_result(),
    ]


@dataclass
class BundledServer:
    fake: FakeLlamaCpp
    starts: int = 0
    running: bool = False


@pytest.fixture
def bundled(monkeypatch: pytest.MonkeyPatch) -> Iterator[BundledServer]:
    """The bundled model's server, as the demo starts it: a fake that speaks llama.cpp's
    OpenAI API, counted when it starts and when it stops."""
    with FakeLlamaCpp(weather_run(), pulled=(bundled_model.MODEL_ALIAS,)) as fake:
        server = BundledServer(fake)

        @contextlib.contextmanager
        def installed_and_running(_log: Path) -> Iterator[str]:
            server.starts, server.running = server.starts + 1, True
            try:
                yield fake.url
            finally:
                server.running = False

        monkeypatch.setattr(bundled_model, "installed_and_running", installed_and_running)
        yield server


@pytest.fixture
def temporal(env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", env.client.service_client.config.target_host)


async def run_demo_printing(capsys: pytest.CaptureFixture[str], **options: Any) -> str:
    assert await run_demo.demo(script_arguments(model=None, **options)) == 0
    return capsys.readouterr().out


@pytest.mark.usefixtures("temporal")
async def test_without_ollama_or_a_key_the_bundled_model_answers(
    bundled: BundledServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    address = closed_port_address()
    monkeypatch.setenv("OLLAMA_HOST", address)

    printed = await run_demo_printing(capsys)

    assert (
        f"No Ollama answers at http://{address} and no provider key is set: {STANDS_IN}, "
        "SmolLM2-135M-Instruct on llama.cpp's llama-server (--no-bundled-model refuses it)."
    ) in printed.splitlines()
    # Through the GPT-OSS sample's provider, on the bundled model, with the prompt that
    # makes a 135M model call the tool; the tool's result reached the model.
    first, _then = bundled.fake.chat_requests
    assert first["model"] == bundled_model.MODEL_ALIAS
    assert first["messages"][-1] == {"role": "user", "content": bundled_model.DEMO_PROMPT}
    assert [tool["function"]["name"] for tool in first["tools"]] == ["get_weather"]
    assert WEATHER in printed_result(printed)
    assert "Answered by smollm2:135m: SmolLM2-135M-Instruct on llama.cpp's llama-server" in printed
    assert STAND_IN_NOTE in printed
    assert (bundled.starts, bundled.running) == (1, False)  # Stopped at the end.


@pytest.mark.usefixtures("temporal")
async def test_an_ollama_that_answers_is_used_and_the_bundled_model_never_starts(
    bundled: BundledServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeOllamaOpenAI(weather_run()) as ollama:
        monkeypatch.setenv("OLLAMA_HOST", ollama.url)
        printed = await run_demo_printing(capsys)

    assert [request["model"] for request in ollama.chat_requests] == ["gpt-oss:20b"] * 2
    assert ollama.chat_requests[0]["messages"][-1]["content"] == "What's the weather in Tokyo?"
    assert WEATHER in printed_result(printed)
    assert "Answered by gpt-oss:20b." in printed
    assert STANDS_IN not in printed and STAND_IN_NOTE not in printed
    assert bundled.starts == 0


@pytest.mark.usefixtures("temporal")
async def test_bundled_model_flag_runs_it_though_ollama_answers(
    bundled: BundledServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeOllamaOpenAI([]) as ollama:
        monkeypatch.setenv("OLLAMA_HOST", ollama.url)
        printed = await run_demo_printing(capsys, bundled_model=True)

    assert ollama.requests == []
    assert len(bundled.fake.chat_requests) == 2
    assert STANDS_IN not in printed  # Asked for: nothing stood in for anything.
    assert STAND_IN_NOTE in printed
    assert (bundled.starts, bundled.running) == (1, False)


async def test_with_a_provider_key_set_the_bundled_model_does_not_stand_in(
    bundled: BundledServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    address = closed_port_address()
    monkeypatch.setenv("OLLAMA_HOST", address)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")

    assert await failure_of(run_demo.demo, model=None) == (
        f"error: cannot reach Ollama at http://{address}: start it with `ollama serve`, or "
        "point OLLAMA_HOST at a running server; ANTHROPIC_API_KEY is set, so the demo does "
        "not fall back to its bundled model: run the sample that uses it (see --help), or "
        "pass --bundled-model",
        2,
    )
    assert bundled.starts == 0


async def test_an_ollama_without_the_model_says_to_pull_it(
    bundled: BundledServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeOllamaOpenAI([], pulled=()) as ollama:
        monkeypatch.setenv("OLLAMA_HOST", ollama.url)
        line, exit_code = await failure_of(run_demo.demo, model=None)
    assert exit_code == 2
    assert line.startswith(f"error: Ollama at {ollama.url} has no model 'gpt-oss:20b'"), line
    assert line.endswith("pull it with `ollama pull gpt-oss:20b`")
    assert bundled.starts == 0


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param(
            {"sample": "litellm"},
            "--bundled-model runs the gpt-oss sample only, not litellm: leave out --sample, "
            "or leave out --bundled-model",
            id="another-sample",
        ),
        pytest.param(
            {"model": "gpt-oss:120b"},
            "--bundled-model serves smollm2:135m only, not gpt-oss:120b: leave out --model, "
            "or leave out --bundled-model",
            id="another-model",
        ),
    ],
)
async def test_bundled_model_flag_refuses_what_it_cannot_run(
    bundled: BundledServer, options: dict[str, str], expected: str
) -> None:
    arguments = {"model": None, **options}
    assert await failure_of(run_demo.demo, bundled_model=True, **arguments) == (
        f"error: {expected}",
        2,
    )
    assert bundled.starts == 0
