"""The prefix router, read on its own.

names.py     how a model name splits into prefix and name, and the starters' checks
provider.py  `MultiModelProvider`: routes each name to its backend's provider
"""
