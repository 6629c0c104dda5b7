"""The URL endpoint ``/<imagekit_id>/...``: parse, authorise, look up, respond.

One pipeline (docs/architecture.md): ``endpoint`` parses the target and resolves the source
through its plug-ins (``origin_source`` for URL endpoints with origins, video renditions
(video/delivery.py), the media library otherwise), applies the access rules, and answers originals
here and variants through ``transformed``, which asks the renditions layer (renditions/) for
the variant's bytes.
"""
