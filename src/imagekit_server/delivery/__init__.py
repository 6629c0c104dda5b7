"""The URL endpoint ``/<imagekit_id>/...``: parse, authorise, look up, respond.

One pipeline (docs/architecture.md): ``endpoint`` parses the target and resolves the source
through its plug-ins (``origin_source`` for URL endpoints with origins, ``video_source`` for
video renditions, the media library otherwise), applies the access rules, and answers
originals itself and variants through ``transformed``, which takes the variant's bytes from
the renditions layer (renditions/).
"""
