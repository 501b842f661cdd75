"""Failure handling for any model provider, read on its own.

types.py           every failure's name (`FailureType`), which ones fail over
                   (`FAILOVER_TYPES`), `ConfigurationError`: standard library only,
                   so workflow code imports it inside Temporal's sandbox
classification.py  a provider's exception as one actionable, retryable-or-not
                   Temporal error, credentials masked
wrapper.py         `ActionableErrorsProvider`: every call bounded, its failures
                   classified by the above
"""
