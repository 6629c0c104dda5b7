"""The URL endpoint ``/<imagekit_id>/...``: parse, authorise, look up, respond."""
