"""`ProviderDescription`: what a person needs to hear about one model backend when it fails,
in the same words at worker start and in the middle of a run."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProviderDescription:
    """How to name a backend in an error, and what to advise for each kind of failure."""

    name: str
    location: str
    """Where it is, without credentials: this text lands in workflow history."""
    start_hint: str
    missing_model_hint: str
    """May contain `{model}`."""
    credentials_hint: str
    secrets: tuple[str, ...] = field(default=(), repr=False)
    """The credentials this backend was given directly (an `api_key` argument, the key
    inside a client passed in): masked in its errors like secret-named environment
    variables, which are masked anyway. Kept out of `repr` so that logging a description
    cannot leak them."""

    @property
    def where(self) -> str:
        return f"{self.name} at {self.location}"

    def unreachable(self) -> str:
        return f"cannot reach {self.where}: {self.start_hint}"

    def missing_model(self, model: str, detail: str) -> str:
        hint = self.missing_model_hint.format(model=model)
        return f"{self.where} has no model '{model}' ({detail}): {hint}"

    def rejected_credentials(self, detail: str) -> str:
        return f"{self.where} rejected the credentials ({detail}): {self.credentials_hint}"
