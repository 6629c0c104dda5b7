"""Upload extensions (``remove-bg``, auto-tagging, ``ai-auto-description``): the requests,
the provider Protocols and one module per provider, and the durable jobs that run the slow
ones; an account's saved extensions (``saved``) and the check of an extension's configuration
(``configs``). See docs/extensions.md."""
