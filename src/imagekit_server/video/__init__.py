"""Video: probe on upload, URL-endpoint renditions, thumbnails, adaptive streaming (docs/video.md).

Everything that decodes or encodes runs in other processes (``probe`` in a subprocess per
upload, renders in ``pool``): a hostile file can crash or hang one of them, never the server.
"""
