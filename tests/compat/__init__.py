"""Conformance: official ImageKit SDKs and ImageKit's OpenAPI description against our server."""
