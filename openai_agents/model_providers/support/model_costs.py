"""What a run's model calls cost: `ModelCosts` prices the `ModelUsage` records a workflow's
answer carries (workflows/answers.py) from LiteLLM's offline cost map, in the starter, outside
the workflow.

Which models cost $0 ("local"), which the map prices and which say "no price known" (never a
guess): the README's "What a run used and what it cost". LiteLLM is imported at the first price
asked for, with its bundled map (`LITELLM_LOCAL_MODEL_COST_MAP=True`: no network).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from openai_agents.model_providers.workflows.answers import ModelUsage

LOCAL = "local"
NO_PRICE_KNOWN = "no price known"
PRICED = "USD from LiteLLM's cost map"
OWN_PRICE = "USD at the given price"

# Hosts whose model servers run on this machine: their calls cost nothing per token.
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")
# The only server whose `openai/` models cost what LiteLLM's map says (OpenAI's list prices).
OPENAI_API_HOST = "api.openai.com"


@dataclass
class PricedUsage(ModelUsage):
    """A `ModelUsage` with what it cost."""

    cost_usd: float | None = None
    """None when no price is known."""
    pricing: str = ""
    """How `cost_usd` was found: "local", "no price known" or where the price came from."""


def is_local_url(url: str | None) -> bool:
    """Whether `url` (e.g. OPENAI_BASE_URL or OLLAMA_HOST) names a server on this machine."""
    return url is not None and url_host(url) in _LOCAL_HOSTS


def url_host(url: str) -> str:
    """The host name in `url`, with or without its scheme."""
    return urlsplit(url if "//" in url else f"http://{url}").hostname or ""


class ModelCosts:
    """Prices `ModelUsage` records. A model is local, and costs $0, if it is an `ollama/` name
    without `-cloud` (also under `litellm/`), in `local_models`, or starts with one of
    `local_prefixes` (e.g. `openai/` when OPENAI_BASE_URL is a server on this machine). A
    model in `unpriced_models` or starting with one of `unpriced_prefixes` (e.g. `openai/`
    when OPENAI_BASE_URL is another company's server) has no known price, whatever the map
    says of its name. `prices` (USD per input and output token, by model name) come first,
    e.g. for a negotiated rate or a model the map does not know. Router prefixes
    (`litellm/`, `openai/`) are read as LiteLLM reads them."""

    def __init__(
        self,
        local_models: Iterable[str] = (),
        local_prefixes: Iterable[str] = (),
        prices: Mapping[str, tuple[float, float]] | None = None,
        *,
        unpriced_models: Iterable[str] = (),
        unpriced_prefixes: Iterable[str] = (),
    ) -> None:
        self.local_models = set(local_models)
        self.local_prefixes = tuple(local_prefixes)
        self.prices = dict(prices or {})
        self.unpriced_models = set(unpriced_models)
        self.unpriced_prefixes = tuple(unpriced_prefixes)

    def priced(self, usage: Iterable[ModelUsage]) -> list[PricedUsage]:
        """`usage`, each record with its cost and how it was found."""
        return [self._priced(record) for record in usage]

    def _priced(self, record: ModelUsage) -> PricedUsage:
        name, tokens_in, tokens_out = record.model, record.input_tokens, record.output_tokens
        counts = dataclasses.asdict(record)
        if name in self.prices:
            per_input, per_output = self.prices[name]
            own = tokens_in * per_input + tokens_out * per_output
            return PricedUsage(**counts, cost_usd=own, pricing=OWN_PRICE)
        if name in self.unpriced_models or name.startswith(self.unpriced_prefixes):
            return PricedUsage(**counts, cost_usd=None, pricing=NO_PRICE_KNOWN)
        if self.is_local(name):
            return PricedUsage(**counts, cost_usd=0.0, pricing=LOCAL)
        if record.calls and record.unreported_calls == record.calls:
            # No token was counted: $0 would be a guess.
            return PricedUsage(**counts, cost_usd=None, pricing=NO_PRICE_KNOWN)
        cost = litellm_cost(name.removeprefix("litellm/"), tokens_in, tokens_out)
        pricing = NO_PRICE_KNOWN if cost is None else PRICED
        return PricedUsage(**counts, cost_usd=cost, pricing=pricing)

    def is_local(self, name: str) -> bool:
        if name in self.local_models or name.startswith(self.local_prefixes):
            return True
        bare = name.removeprefix("litellm/")
        # LiteLLM's map prices every `ollama/` name at $0, Ollama Cloud's too: not a price.
        return bare.startswith("ollama/") and not bare.endswith("-cloud")


def litellm_cost(model: str, input_tokens: int, output_tokens: int) -> float | None:
    """What LiteLLM's offline cost map says `model`'s tokens cost in USD, or None if it does
    not price that model (or is not installed)."""
    if model.startswith("ollama"):
        return None  # The map prices every Ollama name at $0, Ollama Cloud's too: no price.
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # The bundled map: no network.
    try:
        import litellm
    except ImportError:
        return None
    litellm.suppress_debug_info = True  # No "Provider List" banner for an unknown model.
    try:
        input_cost, output_cost = litellm.cost_per_token(
            model=model, prompt_tokens=input_tokens, completion_tokens=output_tokens
        )
    except Exception:  # LiteLLM raises several types for "not in the map".
        return None
    return float(input_cost + output_cost)


def usage_line(usage: Iterable[PricedUsage]) -> str:
    """Priced usage in a line, each model's calls, tokens and cost, e.g. `Usage:
    anthropic/claude-sonnet-4-5: 2 calls, 1,200 in + 80 out tokens, $0.004800 (USD from
    LiteLLM's cost map)`; with more than one model, a second line with the total."""
    records = list(usage)
    if not records:
        return "Usage: no model calls"
    line = "Usage: " + "; ".join(_one(record) for record in records)
    if len(records) == 1:
        return line
    known = [r.cost_usd for r in records if r.cost_usd is not None]
    total = f"${sum(known):.6f}" if known else NO_PRICE_KNOWN
    if known and len(known) < len(records):
        total += " and calls with no price known"
    calls = sum(r.calls for r in records)
    tokens = f"{sum(r.input_tokens for r in records):,} in + "
    tokens += f"{sum(r.output_tokens for r in records):,} out tokens"
    return f"{line}\nTotal: {calls} call{'s' if calls != 1 else ''}, {tokens}, {total}"


def _one(record: PricedUsage) -> str:
    calls = f"{record.calls} call{'s' if record.calls != 1 else ''}"
    tokens = f"{record.input_tokens:,} in + {record.output_tokens:,} out tokens"
    if record.unreported_calls == record.calls:
        tokens = "no tokens reported"  # The provider sent no usage: not a count of zero.
    elif record.unreported_calls:
        tokens += f" ({record.unreported_calls} of them reported none)"
    if record.pricing == LOCAL:
        cost = "$0 (local)"
    elif record.cost_usd is None:
        cost = NO_PRICE_KNOWN
    else:
        cost = f"${record.cost_usd:.6f} ({record.pricing})"
    return f"{record.model}: {calls}, {tokens}, {cost}"
