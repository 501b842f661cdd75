"""Providers and models against fake servers speaking the real wire formats; no Temporal."""
