"""Workflow definitions. Modules here run in Temporal's workflow sandbox, so they import
only deterministic code: no model clients, no `litellm`, no `ollama`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def all_workflows() -> list[type]:
    """Every sample's workflow, for the worker that serves them all (the router worker).

    Imported here, in the call: the sandbox imports a workflow's module afresh for each
    run, and importing this package must not import every other sample with it.
    """
    from .approval_workflow import ApprovalWorkflow
    from .chat_workflow import ChatWorkflow
    from .gpt_oss_workflow import GptOssWorkflow
    from .handoffs_workflow import HandoffsWorkflow
    from .litellm_auto_workflow import LitellmAutoWorkflow
    from .mcp_workflow import McpWorkflow
    from .multi_provider_workflow import MultiProviderWorkflow
    from .streaming_workflow import StreamingWorkflow
    from .structured_output_workflow import StructuredOutputWorkflow

    return [
        MultiProviderWorkflow,
        StreamingWorkflow,
        ChatWorkflow,
        HandoffsWorkflow,
        StructuredOutputWorkflow,
        GptOssWorkflow,
        LitellmAutoWorkflow,
        ApprovalWorkflow,
        McpWorkflow,
    ]


def workflow_activities() -> list[Callable[..., Any]]:
    """The activities the sample workflows run on their own task queue (model calls aside):
    the approval sample's alert, which a person must approve first."""
    from .approval_workflow import deliver_weather_alert

    return [deliver_weather_alert]
