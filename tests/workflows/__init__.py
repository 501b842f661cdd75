"""Sample workflows on in-process workers, on a real Temporal server."""
