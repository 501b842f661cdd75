"""The one-command demo: Temporal dev server, worker and a sample workflow in one process.

It starts the bundled Temporal dev server (unless TEMPORAL_ADDRESS or a config profile
names a server), runs a worker in-process, executes the chosen sample, prints the result
and a Web UI link, and shuts everything down. For real use, run the worker and workflow
scripts in two terminals instead (see README.md).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from agents import ModelProvider
from temporalio.client import Client

from openai_agents.model_providers.cli import (
    add_model_call_arguments,
    add_verbose_argument,
    model_call_policy,
    prepare_worker_process,
    run_script,
)
from openai_agents.model_providers.configuration import ModelCallPolicy
from openai_agents.model_providers.dev_server import local_dev_server
from openai_agents.model_providers.model_names import (
    check_litellm_model_name,
    check_ollama_model_name,
)
from openai_agents.model_providers.ollama_openai_compat import create_gpt_oss_provider
from openai_agents.model_providers.router_names import (
    BUILT_IN_PREFIXES,
    check_router_model_name,
    split_model_name,
)
from openai_agents.model_providers.temporal_client import (
    connect_to_temporal,
    temporal_address_configured,
)
from openai_agents.model_providers.worker import agents_plugin, build_worker
from openai_agents.model_providers.workflow_starter import (
    add_workflow_arguments,
    checked_prompt,
    execute_and_report,
    unique_workflow_id,
)
from openai_agents.model_providers.workflows import (
    gpt_oss_workflow,
    litellm_auto_workflow,
    multi_provider_workflow,
)
from openai_agents.model_providers.workflows.gpt_oss_workflow import (
    DEFAULT_GPT_OSS_MODEL,
    GptOssWorkflow,
)
from openai_agents.model_providers.workflows.litellm_auto_workflow import (
    DEFAULT_LITELLM_MODEL,
    LitellmAutoWorkflow,
)
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    DEFAULT_ROUTER_MODEL,
    MultiProviderWorkflow,
)


async def _litellm_provider(model: str, policy: ModelCallPolicy) -> ModelProvider:
    # Imported only when chosen: LiteLLM takes seconds to import.
    from openai_agents.model_providers.litellm_backend import create_litellm_provider

    return create_litellm_provider(model, policy)


async def _router_provider(model: str, policy: ModelCallPolicy) -> ModelProvider:
    # Imported only when chosen: the `ollama` client reads OLLAMA_HOST at import.
    from openai_agents.model_providers.router_backend import (
        check_router_model_ready,
        create_router_provider,
    )

    await check_router_model_ready(model)
    return create_router_provider(policy)


@dataclass(frozen=True)
class Sample:
    workflow: type[GptOssWorkflow] | type[LitellmAutoWorkflow] | type[MultiProviderWorkflow]
    default_model: str
    workflow_id_prefix: str
    create_provider: Callable[[str, ModelCallPolicy], Awaitable[ModelProvider]]
    check_model_name: Callable[[str], None]


SAMPLES = {
    "gpt-oss": Sample(
        GptOssWorkflow,
        DEFAULT_GPT_OSS_MODEL,
        gpt_oss_workflow.WORKFLOW_ID_PREFIX,
        create_gpt_oss_provider,
        check_ollama_model_name,
    ),
    "litellm": Sample(
        LitellmAutoWorkflow,
        DEFAULT_LITELLM_MODEL,
        litellm_auto_workflow.WORKFLOW_ID_PREFIX,
        _litellm_provider,
        check_litellm_model_name,
    ),
    "multi-provider": Sample(
        MultiProviderWorkflow,
        DEFAULT_ROUTER_MODEL,
        multi_provider_workflow.WORKFLOW_ID_PREFIX,
        _router_provider,
        check_router_model_name,
    ),
}


def is_router_name(model: str) -> bool:
    """`ollama/gpt-oss:20b` or `litellm/anthropic/...`: then the prefix router serves the
    sample, whichever sample it is."""
    prefix, _rest = split_model_name(model)
    return prefix in BUILT_IN_PREFIXES


def provider_factory(
    sample: Sample, model: str
) -> Callable[[str, ModelCallPolicy], Awaitable[ModelProvider]]:
    """The sample's own backend, or the prefix router for a router name."""
    return _router_provider if is_router_name(model) else sample.create_provider


@asynccontextmanager
async def temporal(
    provider: ModelProvider, policy: ModelCallPolicy
) -> AsyncIterator[tuple[Client, str | None]]:
    """A client for the configured Temporal server, or for a fresh bundled dev server
    (then with its Web UI address)."""
    plugins = [agents_plugin(provider, policy)]
    if temporal_address_configured():
        yield await connect_to_temporal(plugins), None
        return
    print("Starting the bundled Temporal dev server...")
    async with local_dev_server(plugins) as (client, ui_url):
        address = client.service_client.config.target_host
        print(f"Temporal dev server is up at {address}; watch the run at {ui_url}")
        yield client, ui_url


async def demo(args: argparse.Namespace) -> int:
    sample = SAMPLES[args.sample]
    model = args.model or sample.default_model
    (check_router_model_name if is_router_name(model) else sample.check_model_name)(model)
    prompt = checked_prompt(args)
    policy = model_call_policy(args)
    # Check the model backend first: it is the likeliest thing to be missing, and the
    # check says exactly what to start or set.
    provider = await provider_factory(sample, model)(model, policy)
    try:
        async with temporal(provider, policy) as (client, ui_url):
            workflow_id = args.workflow_id or unique_workflow_id(sample.workflow_id_prefix)
            async with build_worker(client, [sample.workflow]):
                exit_code = await execute_and_report(
                    client, sample.workflow.run, [prompt, model], workflow_id
                )
            if ui_url:
                history_url = f"{ui_url}/namespaces/{client.namespace}/workflows/{workflow_id}"
                print(f"Workflow history in the Temporal Web UI: {history_url}")
                if args.keep_server:
                    print("The dev server keeps running for the Web UI; press Ctrl-C to stop it.")
                    await asyncio.Event().wait()
            return exit_code
    finally:
        await provider.aclose()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sample",
        choices=sorted(SAMPLES),
        default="gpt-oss",
        help="gpt-oss needs a local Ollama with gpt-oss:20b; litellm needs a provider key "
        "such as ANTHROPIC_API_KEY; multi-provider runs the router sample. A router model "
        "name (--model ollama/..., litellm/..., openai/...) runs any sample through the "
        "prefix router (default: %(default)s)",
    )
    add_workflow_arguments(parser, default_model=None)
    parser.add_argument(
        "--keep-server",
        action="store_true",
        help="keep the bundled dev server (and its Web UI) running until Ctrl-C",
    )
    add_model_call_arguments(parser)
    add_verbose_argument(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    prepare_worker_process(args.verbose)
    run_script(lambda: demo(args), verbose=args.verbose)


if __name__ == "__main__":
    main()
