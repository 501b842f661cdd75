"""How much of a conversation a model reads, as the worker's activity answers the chat
workflow: Ollama's own word (`/api/show`) where it says, the worker's `--context-tokens`
elsewhere, and never more than that; less room for the reply and the instructions."""

from __future__ import annotations

from typing import Any

import pytest
from temporalio.testing import ActivityEnvironment

from openai_agents.model_providers.chat_budgets import ConversationBudgets
from openai_agents.model_providers.providers.router.provider import MultiModelProvider
from testkit.fakes.ollama_native import FakeOllama

CONTEXT_TOKENS, REPLY_TOKENS = 4096, 1024
ROOM = REPLY_TOKENS + 512  # The reply's cap, and the instructions' and tools' share.


async def budget_for(model: str, show_body: dict[str, Any] | None) -> int:
    with FakeOllama([], show_body=show_body) as ollama:
        router = MultiModelProvider(default_prefix="ollama", ollama_base_url=ollama.url)
        budgets = ConversationBudgets(
            router, context_tokens=CONTEXT_TOKENS, reply_tokens=REPLY_TOKENS
        )
        try:
            return int(await ActivityEnvironment().run(budgets.budget, model))
        finally:
            await router.aclose()


@pytest.mark.parametrize(
    ("show_body", "window"),
    [
        # The model's own num_ctx is what Ollama runs it with.
        pytest.param(
            {"parameters": "stop <|end|>\nnum_ctx 2048", "model_info": {}}, 2048, id="num-ctx"
        ),
        # Trained for 131072, but Ollama runs it with its default unless told: no more
        # than --context-tokens is assumed.
        pytest.param({"model_info": {"gptoss.context_length": 131072}}, 4096, id="trained"),
        pytest.param({"model_info": {"llama.context_length": 2048}}, 2048, id="trained-small"),
        pytest.param({}, CONTEXT_TOKENS, id="says-nothing"),
    ],
)
async def test_ollama_models_are_budgeted_by_what_ollama_says(
    show_body: dict[str, Any], window: int
) -> None:
    assert await budget_for("ollama/gpt-oss:20b", show_body) == window - ROOM


async def test_other_models_and_unknown_ollama_models_get_the_workers_context() -> None:
    assert await budget_for("litellm/anthropic/claude-sonnet-4-5", None) == CONTEXT_TOKENS - ROOM
    assert await budget_for("ollama/not-pulled:1b", None) == CONTEXT_TOKENS - ROOM
