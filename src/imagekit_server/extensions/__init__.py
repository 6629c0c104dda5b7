"""Upload extensions (``remove-bg``, auto-tagging, ``ai-auto-description``): the requests,
the provider Protocols and one module per provider, and the durable jobs that run the slow
ones. See docs/extensions.md."""
