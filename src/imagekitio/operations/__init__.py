"""Pure builders: one function per API method, returning an ``Operation`` (request + decoder).

Client-side validation happens here, before any request exists, so both clients share it.
"""
