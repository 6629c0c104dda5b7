"""``/docs`` and ``/openapi.json``: ImageKit's published API description, served for this server
(plus our extension endpoints and the URL endpoint), with Swagger UI from local assets."""
