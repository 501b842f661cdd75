"""Connecting to Temporal the way every Temporal tool does: through `temporalio.envconfig`.

TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE
and the profiles in TEMPORAL_CONFIG_FILE all work, so the same scripts reach a local dev
server or Temporal Cloud without code changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client, Plugin
from temporalio.envconfig import ClientConfig
from temporalio.service import RPCError

from openai_agents.model_providers.configuration import ConfigurationError

DEFAULT_TEMPORAL_ADDRESS = "localhost:7233"


def _loaded_connect_config() -> dict[str, Any]:
    try:
        return dict(ClientConfig.load_client_connect_config())
    except (RuntimeError, OSError, ValueError) as error:  # Bad profile, TOML or TLS file.
        raise ConfigurationError(
            f"cannot load the Temporal connection settings ({error}): check TEMPORAL_PROFILE, "
            "TEMPORAL_CONFIG_FILE and the TEMPORAL_TLS_* paths"
        ) from error


def temporal_connect_config() -> dict[str, Any]:
    """Connection settings from the environment and config profile, localhost by default."""
    config = _loaded_connect_config()
    config.setdefault("target_host", DEFAULT_TEMPORAL_ADDRESS)
    return config


def temporal_address_configured() -> bool:
    """Whether the environment or a config profile names a Temporal server."""
    return "target_host" in _loaded_connect_config()


async def connect_to_temporal(plugins: Sequence[Plugin] = ()) -> Client:
    """A client for the configured server and namespace, both checked now rather than
    when a worker or workflow first needs them."""
    config = temporal_connect_config()
    address = config["target_host"]
    try:
        client = await Client.connect(**config, plugins=plugins)
    except (RuntimeError, RPCError) as error:
        if "Connection refused" in str(error):
            raise ConfigurationError(
                f"cannot reach Temporal at {address}: start a dev server with "
                "`uv run temporal server start-dev`, or set TEMPORAL_ADDRESS"
            ) from error
        # TLS or API key trouble: the server's own words say which.
        reason = " ".join(str(error).split())[:300]
        raise ConfigurationError(
            f"cannot connect to Temporal at {address} ({reason}): check TEMPORAL_ADDRESS, "
            "TEMPORAL_API_KEY and the TLS settings"
        ) from error
    try:
        await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace=client.namespace)
        )
    except RPCError as error:
        raise ConfigurationError(
            f"Temporal at {address} has no usable namespace {client.namespace!r} "
            f"({error.message}): check TEMPORAL_NAMESPACE and the API key's permissions"
        ) from error
    return client
