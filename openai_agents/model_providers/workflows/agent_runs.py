"""Running a sample agent inside a workflow, with the failures that no retry can fix
turned into a clear workflow failure.

Runs in Temporal's workflow sandbox: deterministic code only.
"""

from __future__ import annotations

from typing import Any

from agents import Agent, Runner
from agents.exceptions import MaxTurnsExceeded, ModelBehaviorError
from temporalio.exceptions import ApplicationError

# Each turn is one model call (one activity). A model that keeps calling a failing tool
# stops here instead of looping until the workflow's history is full.
MAX_TURNS = 10


def require_prompt(prompt: str) -> str:
    """Fail the workflow at once on a prompt with nothing to answer.

    Without this, a blank prompt would cost a model call (or several attempts at one)
    before anyone learnt that the input was wrong.
    """
    if not prompt.strip():
        raise ApplicationError("prompt must not be empty", type="InvalidPrompt", non_retryable=True)
    return prompt


async def run_agent(agent: Agent[Any], prompt: str) -> str:
    """`Runner.run` for a workflow: its final output, or a workflow failure that says why.

    `MaxTurnsExceeded` and `ModelBehaviorError` come from what the model answered, which
    is recorded in history. Left alone, they would fail the workflow *task*, which
    Temporal retries forever, replaying the same answers into the same error. Raising an
    `ApplicationError` fails the workflow instead, with the reason in one line.
    """
    try:
        result = await Runner.run(agent, require_prompt(prompt), max_turns=MAX_TURNS)
    except MaxTurnsExceeded as error:
        raise ApplicationError(
            f"the agent did not finish within {MAX_TURNS} model calls (the model kept "
            "calling tools): check the tool errors in the worker's log, or try another model",
            type="MaxTurnsExceeded",
            non_retryable=True,
        ) from error
    except ModelBehaviorError as error:
        raise ApplicationError(
            f"the model's answer could not be used ({error}): try again, or another model",
            type="ModelBehaviorError",
            non_retryable=True,
        ) from error
    return str(result.final_output)
