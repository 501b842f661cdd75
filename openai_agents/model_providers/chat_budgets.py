"""`ConversationBudgets`: how many tokens of a conversation a model can read, answered on
the worker, which knows the model's backend, as an activity, so that a workflow keeping a
conversation (the chat sample) stays deterministic: the answer is recorded in its history.

The budget is the model's context window (where Ollama's `/api/show` says it, and no more
than the worker's `context_tokens`, else `context_tokens`), less room for the reply (the
worker's token cap) and for the agent's instructions and tools.
"""

from __future__ import annotations

from temporalio import activity

from openai_agents.model_providers.providers import MultiModelProvider

ACTIVITY_NAME = "conversation_memory_budget"
ROOM_FOR_INSTRUCTIONS_TOKENS = 512
MIN_BUDGET_TOKENS = 256


class ConversationBudgets:
    """Register `budget` (its `activity.defn`) on the worker that serves the workflows."""

    def __init__(
        self, provider: MultiModelProvider, *, context_tokens: int, reply_tokens: int
    ) -> None:
        self._provider = provider
        self._context_tokens = context_tokens
        self._reply_tokens = reply_tokens

    @activity.defn(name=ACTIVITY_NAME)
    async def budget(self, model_name: str) -> int:
        """Tokens of conversation `model_name` can read alongside its instructions and
        its reply."""
        said = await self._provider.context_window(model_name)
        window = min(said, self._context_tokens) if said else self._context_tokens
        room = self._reply_tokens + ROOM_FOR_INSTRUCTIONS_TOKENS
        return max(MIN_BUDGET_TOKENS, window - room)
