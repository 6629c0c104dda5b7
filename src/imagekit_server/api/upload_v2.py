"""``POST /api/v2/files/upload``: the V1 form, with a JWT ``token`` for client-side uploads."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.upload import FormCredentials, receive_upload
from imagekit_server.api.upload_jwt import authenticate_upload_jwt
from imagekit_server.context import ServerContext

router = APIRouter()


def _jwt_account(context: ServerContext, fields: Mapping[str, str]) -> Account:
    return authenticate_upload_jwt(context.accounts, context.engine, fields["token"], fields)


V2_CREDENTIALS = FormCredentials(("token",), _jwt_account)


@router.post("/api/v2/files/upload", tags=["upload"], summary="Upload a file (V2)")
async def upload_file_v2(request: Request) -> JSONResponse:
    return await receive_upload(request, V2_CREDENTIALS)
