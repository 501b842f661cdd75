"""Input no model can answer fails at once, before any model call."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.openai_agents import OpenAIAgentsPlugin
from temporalio.openai_agents.testing import ResponseBuilders
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers import (
    run_approval_workflow,
    run_chat_workflow,
    run_demo,
    run_gpt_oss_workflow,
    run_handoffs_workflow,
    run_litellm_auto_workflow,
    run_mcp_workflow,
    run_multi_provider_workflow,
    run_streaming_workflow,
    run_structured_output_workflow,
)
from openai_agents.model_providers.support.arguments import PAYLOAD_LIMIT_BYTES
from openai_agents.model_providers.workflows.chat_workflow import ChatWorkflow, Conversation
from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.litellm_auto_workflow import LitellmAutoWorkflow
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    MultiProviderWorkflow,
)
from tests.helpers.in_process import ScriptMain, failure_of
from tests.helpers.processes import closed_port_address, run_script, script_environment
from tests.helpers.scripted_model import RecordingProvider, run_scripted
from tests.helpers.workflow_runs import model_call_attempts


@pytest.mark.parametrize("workflow", [GptOssWorkflow, LitellmAutoWorkflow, MultiProviderWorkflow])
@pytest.mark.parametrize("prompt", ["", "  \n\t "])
async def test_an_empty_prompt_fails_the_workflow_at_once(
    env: WorkflowEnvironment, workflow: Any, prompt: str
) -> None:
    provider = RecordingProvider([ResponseBuilders.output_message("never sent")])
    outcome = await run_scripted(env, provider, workflow, prompt)

    assert outcome.failure is not None
    cause = outcome.failure.cause
    assert isinstance(cause, ApplicationError)
    assert cause.message == "prompt must not be empty"
    assert cause.type == "InvalidPrompt" and cause.non_retryable
    assert provider.calls == []
    assert model_call_attempts(outcome.history) == []
    assert outcome.workflow_task_failures() == 0


# The scripts refuse bad input before connecting: Temporal's address here is a closed
# port, so any other error would say "cannot reach Temporal".
STARTERS = [
    pytest.param(run_gpt_oss_workflow.main, "gpt-oss:20b", id="gpt-oss"),
    pytest.param(run_litellm_auto_workflow.main, "anthropic/claude-sonnet-4-5", id="litellm"),
    pytest.param(run_multi_provider_workflow.main, "ollama/gpt-oss:20b", id="router"),
    pytest.param(run_streaming_workflow.main, "ollama/gpt-oss:20b", id="streaming"),
    pytest.param(run_mcp_workflow.main, "ollama/gpt-oss:20b", id="mcp"),
    pytest.param(run_demo.demo, None, id="demo"),
]


@pytest.fixture(autouse=True)
def temporal_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", closed_port_address())


async def refused_before_starting(main: ScriptMain, **options: Any) -> str:
    line, exit_code = await failure_of(main, **options)
    assert exit_code == 2, line
    return line


def test_a_starter_refuses_an_empty_prompt_in_one_line() -> None:
    """The real script, once: its parser, its check and `run_script`'s one line and exit 2."""
    environment = script_environment(TEMPORAL_ADDRESS=closed_port_address())
    completed = run_script("run_gpt_oss_workflow.py", "--prompt", "  \t ", environment=environment)
    assert completed.returncode == 2, completed.stderr
    assert completed.stderr.strip().splitlines() == [
        "error: prompt must not be empty: ask a question with --prompt"
    ]


@pytest.mark.parametrize(("main", "model"), STARTERS)
async def test_starters_refuse_an_empty_prompt(main: ScriptMain, model: str | None) -> None:
    assert await refused_before_starting(main, model=model, prompt="  \t ") == (
        "error: prompt must not be empty: ask a question with --prompt"
    )


@pytest.mark.parametrize(("main", "model"), STARTERS)
async def test_starters_refuse_a_prompt_over_temporals_payload_limit(
    main: ScriptMain, model: str | None, tmp_path: Path
) -> None:
    # Too long for a command line too: such prompts come from a file.
    prompt_file = tmp_path / "prompt.txt"
    prompt_file.write_text("Summarise this log. " + "x" * (3 * 2**20))
    assert await refused_before_starting(main, model=model, prompt_file=prompt_file) == (
        "error: the prompt is 3.00 MiB; with the agent's instructions and tools it must fit "
        "Temporal's 2 MiB payload limit (at most 1.88 MiB): shorten it, or store the document "
        "elsewhere (e.g. object storage) and pass a reference to it"
    )


async def test_temporal_itself_rejects_a_workflow_input_over_the_limit(
    dev_server_address: str,
) -> None:
    """Why the starters check: the server's own refusal comes only after connecting, and a
    prompt under the limit there could still break a later model call's input."""
    client = await Client.connect(dev_server_address)
    with pytest.raises(RPCError, match=r"(?i)size"):
        await client.start_workflow(
            "GptOssWorkflow",
            "x" * (PAYLOAD_LIMIT_BYTES + 1),
            id=f"too-big-{uuid.uuid4().hex[:8]}",
            task_queue="nobody-polls-this",
        )


MALFORMED_MODELS = [
    pytest.param(
        run_gpt_oss_workflow.main,
        "gpt oss",
        "error: --model 'gpt oss' is not an Ollama model name: use name:tag, e.g. gpt-oss:20b",
        id="ollama",
    ),
    pytest.param(
        run_litellm_auto_workflow.main,
        "claude-sonnet-4-5",
        "error: --model 'claude-sonnet-4-5' is not a LiteLLM model string: use provider/model, "
        "e.g. anthropic/claude-sonnet-4-5 (see https://docs.litellm.ai/docs/providers)",
        id="litellm",
    ),
    pytest.param(
        run_multi_provider_workflow.main,
        "",
        "error: --model '' is not a router model name: use prefix/model, e.g. "
        "ollama/gpt-oss:20b (prefixes: ollama, openai, litellm)",
        id="router",
    ),
    pytest.param(
        run_multi_provider_workflow.main,
        "ollama/",
        "error: --model 'ollama/' names no model after 'ollama/': use ollama/<model>, e.g. "
        "ollama/gpt-oss:20b",
        id="router-no-model",
    ),
    pytest.param(
        run_chat_workflow.main,
        "anthropic/claude-sonnet-4-5",
        "error: unknown model prefix 'anthropic/' in 'anthropic/claude-sonnet-4-5': use one "
        "of ollama/, openai/, litellm/ (a LiteLLM model string goes after litellm/, e.g. "
        "litellm/anthropic/claude-sonnet-4-5)",
        id="chat",
    ),
]


@pytest.mark.parametrize(("main", "model", "expected"), MALFORMED_MODELS)
async def test_starters_refuse_a_malformed_model_with_the_expected_form(
    main: ScriptMain, model: str, expected: str
) -> None:
    assert await refused_before_starting(main, model=model) == expected


ROUTER_STARTERS = [
    pytest.param(run_multi_provider_workflow.main, {}, id="router"),
    pytest.param(run_streaming_workflow.main, {}, id="streaming"),
    pytest.param(run_chat_workflow.main, {}, id="chat"),
    pytest.param(run_approval_workflow.main, {}, id="approval"),
    pytest.param(run_structured_output_workflow.main, {}, id="structured-output"),
    pytest.param(run_mcp_workflow.main, {}, id="mcp"),
    pytest.param(
        run_handoffs_workflow.main,
        {"triage_model": "ollama/gpt-oss:20b", "specialist_model": "ollama/gpt-oss:20b"},
        id="handoffs",
    ),
]


@pytest.mark.parametrize(("main", "models"), ROUTER_STARTERS)
async def test_starters_refuse_a_fallback_that_repeats_a_model(
    main: ScriptMain, models: dict[str, str]
) -> None:
    """A fallback the chain already tried would fail the way it just did."""
    options = {"model": "ollama/gpt-oss:20b", **models}
    fallbacks = ["litellm/anthropic/claude-sonnet-4-5", "ollama/gpt-oss:20b"]
    assert await refused_before_starting(main, fallback_model=fallbacks, **options) == (
        "error: --fallback-model 'ollama/gpt-oss:20b' repeats a model named before it: "
        "give each fallback a model the agent does not already use"
    )


async def test_agents_that_hand_off_may_fall_back_on_each_others_model() -> None:
    # Past the model checks: only Temporal, a closed port here, stops it.
    line = await refused_before_starting(
        run_handoffs_workflow.main,
        triage_model="openai/gpt-4.1",
        specialist_model="ollama/gpt-oss:20b",
        fallback_model=["ollama/gpt-oss:20b", "openai/gpt-4.1"],
    )
    assert line.startswith("error: cannot reach Temporal at ")


async def test_the_demo_checks_the_model_form_of_the_sample_it_runs() -> None:
    line = await refused_before_starting(run_demo.demo, sample="litellm", model="claude")
    assert line.startswith("error: --model 'claude' is not a LiteLLM model string")


async def test_rejoining_a_conversation_that_does_not_exist_fails_in_one_line(
    dev_server_address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", dev_server_address)
    line = await refused_before_starting(
        run_chat_workflow.main, model="ollama/gpt-oss:20b", conversation_id="chat-nope"
    )
    assert line == (
        "error: there is no conversation 'chat-nope': check --conversation-id (and "
        "TEMPORAL_NAMESPACE), or leave it out to start a new conversation"
    )


async def test_rejoining_a_conversation_that_is_over_fails_in_one_line(
    dev_server_address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = await Client.connect(dev_server_address, plugins=[OpenAIAgentsPlugin()])
    over = await client.start_workflow(
        ChatWorkflow.run,
        Conversation(),
        id=f"chat-over-{uuid.uuid4().hex[:8]}",
        task_queue="nobody-polls-this",
    )
    await over.terminate()
    monkeypatch.setenv("TEMPORAL_ADDRESS", dev_server_address)
    line = await refused_before_starting(
        run_chat_workflow.main, model="ollama/gpt-oss:20b", conversation_id=over.id
    )
    assert line == (
        f"error: conversation '{over.id}' is over (terminated): leave out --conversation-id "
        "to start a new one"
    )
