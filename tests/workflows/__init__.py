"""Workflows that exist only for the tests: inputs the samples' own workflows never send."""
