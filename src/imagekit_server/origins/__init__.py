"""Origins and URL endpoints: serve and transform files that live in S3 buckets, on web
servers or at any public URL, through ``/<account>/<urlPrefix>/<path>``.

Modules: ``models`` / ``endpoint_models`` (API objects and validation), ``records`` (the
database), ``fetching`` / ``s3_fetch`` / ``web_fetch`` (one fetcher per origin type, through
the outgoing-request guard), ``cache`` (fetched originals in the blob store, revalidated),
``routing`` (which endpoint a delivery URL names), ``rewriters`` (Cloudinary, imgix, Akamai
URL translation) and ``resolution`` (the original a path names, through the endpoint's origins).
No HTTP responses are built here: the URL endpoint serves origin files through its origin
source (delivery/origin_source.py).
"""
