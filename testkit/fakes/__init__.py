"""Local HTTP servers that speak real model-provider wire formats, for the real clients."""
