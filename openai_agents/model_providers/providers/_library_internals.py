"""Every use of another library's private or non-exported API, in one place: this package's,
and that of the workflow code that goes with it (`workflows/failover.py`).

Each has no public equivalent today. `tests/providers/test_library_internals.py` checks
each one against the installed libraries, so an upgrade that changes one fails there, by
name, instead of somewhere in a model call. Safe to import in Temporal's workflow sandbox:
it passes these libraries through, and `ollama` is imported for type checking only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The Agents SDK's own converter from its tool and handoff types to Chat Completions tool
# definitions, which Ollama's tool format follows. Not exported from `agents`; copying it
# would mean copying its strict-schema handling too.
from agents.models.chatcmpl_converter import Converter as ChatCompletionsConverter

# The id the Agents SDK gives output items that their API did not name (Ollama names
# none). The SDK recognises this value and leaves such ids out of the next turn's input.
from agents.models.fake_id import FAKE_RESPONSES_ID

# The Temporal plugin's workflow-side model (the stub that runs each model call as its
# activity) and its runner, which holds the worker's `ModelActivityParameters`: workflow
# code subclasses the stub to try one model after another (`workflows/failover.py`).
# Neither is exported from `temporalio.openai_agents`.
from temporalio.openai_agents._openai_runner import TemporalOpenAIRunner
from temporalio.openai_agents._temporal_model_stub import (
    _TemporalModelStub as TemporalModelStub,
)

if TYPE_CHECKING:
    import ollama

__all__ = [
    "FAKE_RESPONSES_ID",
    "ChatCompletionsConverter",
    "TemporalModelStub",
    "TemporalOpenAIRunner",
    "ollama_client_base_url",
    "ollama_client_key",
]


def ollama_client_base_url(client: ollama.AsyncClient) -> str:
    """The host an `ollama.AsyncClient` talks to, for error messages.

    The client has no public accessor: its httpx client (`_client`) knows it.
    """
    httpx_client = getattr(client, "_client", None)
    return str(getattr(httpx_client, "base_url", "the configured Ollama host")).rstrip("/")


def ollama_client_key(client: ollama.AsyncClient) -> str | None:
    """The key in an `ollama.AsyncClient`'s Authorization header, if any: a client passed
    in may carry a key that is in no environment variable, and it must be masked too."""
    headers = getattr(getattr(client, "_client", None), "headers", None)
    authorization = str(headers.get("authorization") or "") if headers else ""
    return authorization.removeprefix("Bearer ").strip() or None
