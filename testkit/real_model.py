"""Prompts whose replies from the bundled real model (SmolLM2-135M on llama.cpp, greedy) are
known, for the real-model test tier and the benchmark. The server itself, its installer and
its cache are product code: `openai_agents.model_providers.support.bundled_model`.

At 135M parameters the model calls a tool only when the prompt spells the call out in its
chat template's own words: that is plumbing for tests and benchmarks, not the model's
judgement.
"""

from __future__ import annotations

from openai_agents.model_providers.support import bundled_model

TOOL_CALL_PROMPT = bundled_model.TOOL_CALL_PROMPT
"""Answered with a `get_weather` call; after the tool's result, with that result, so the
final answer shows that the tool's output reached the model."""
SHORT_ANSWER_PROMPT = "Say hello."
"""Answered in a few tokens: "Hello."."""
RUNAWAY_PROMPT = "Reply with: OK"
"""Answered with text that runs on until its token limit."""
REPORT_PROMPT = "Weather report for Tokyo, in JSON."
"""Answered, under the structured output sample's schema, with a short weather report."""
