"""Origins and URL endpoints: serve and transform files that live in S3 buckets, on web
servers or at any public URL, through ``/<account>/<urlPrefix>/<path>``.

Modules: ``models`` / ``endpoint_models`` (API objects and validation), ``records`` (the
database), ``fetching`` / ``s3_fetch`` / ``web_fetch`` (one fetcher per origin type, through
the outgoing-request guard), ``cache`` (fetched originals in the blob store, revalidated),
``routing`` (which endpoint a delivery URL names), ``rewriters`` (Cloudinary, imgix, Akamai
URL translation) and ``delivery`` (the URL endpoint for origin files).
"""
