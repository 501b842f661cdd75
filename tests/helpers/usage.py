"""The usage line a starter prints, as the tests expect it: the cost of an Anthropic model
computed here from LiteLLM's offline map's own per-token prices."""

from __future__ import annotations

import os
import re

from testkit.fakes import anthropic_messages, ollama_native

ANTHROPIC_MODEL = "claude-sonnet-4-5"
# What the fakes report per call: Ollama's `prompt_eval_count`/`eval_count` (its `/v1` says
# the same), Anthropic's `usage`.
OLLAMA_CALL = (ollama_native.PROMPT_TOKENS, ollama_native.REPLY_TOKENS)
ANTHROPIC_CALL = (anthropic_messages.INPUT_TOKENS, anthropic_messages.OUTPUT_TOKENS)


def anthropic_usd(input_tokens: int, output_tokens: int) -> float:
    """What the map's per-token prices for Claude Sonnet 4.5 make of these tokens."""
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    import litellm

    prices = litellm.model_cost[ANTHROPIC_MODEL]
    return float(
        input_tokens * prices["input_cost_per_token"]
        + output_tokens * prices["output_cost_per_token"]
    )


def anthropic_cost(input_tokens: int, output_tokens: int) -> str:
    """`anthropic_usd`, as a usage line prints it."""
    return f"${anthropic_usd(input_tokens, output_tokens):.6f} (USD from LiteLLM's cost map)"


def usage(model: str, calls: int, per_call: tuple[int, int], cost: str) -> str:
    """One model's part of the usage line: `calls` calls of `per_call` tokens each."""
    tokens_in, tokens_out = calls * per_call[0], calls * per_call[1]
    plural = "s" if calls != 1 else ""
    return f"{model}: {calls} call{plural}, {tokens_in:,} in + {tokens_out:,} out tokens, {cost}"


LOCAL = "$0 (local)"
NO_PRICE_KNOWN = "no price known"


def local_usage(stdout: str, model: str) -> tuple[int, int, int]:
    """The calls, input and output tokens a starter printed for a local `model` (a real
    model's counts, which a test cannot know in advance)."""
    numbers = r"(\d+) calls?, ([\d,]+) in \+ ([\d,]+) out tokens"
    found = re.search(rf"^Usage: {re.escape(model)}: {numbers}, \$0 \(local\)$", stdout, re.M)
    assert found, stdout
    calls, tokens_in, tokens_out = (int(n.replace(",", "")) for n in found.groups())
    return calls, tokens_in, tokens_out
