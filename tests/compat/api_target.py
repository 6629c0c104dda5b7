"""The live server as an API target: its credentials, and resources made to exist on it."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import requests

from tests.compat.openapi_description import Operation
from tests.compat.samples import SampleImages
from tests.fixtures.live_server import LiveServer

REQUEST_TIMEOUT = 20.0


def basic_authorization(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


@dataclass(frozen=True)
class Target:
    """The server under test and names of things that exist on it."""

    server: LiveServer
    images: SampleImages

    @property
    def authorization(self) -> str:
        return basic_authorization(self.server.private_key)

    def existing_path_parameters(self, operation: Operation) -> dict[str, str]:
        """Path parameters naming resources created for this operation alone."""
        names = {parameter.name for parameter in operation.path_parameters}
        values: dict[str, str] = {}
        if names & {"fileId", "versionId"}:
            uploaded = self._upload()
            values["fileId"] = uploaded["fileId"]
            values["versionId"] = uploaded["versionInfo"]["id"]
        if "id" in names:
            values["id"] = self._custom_field()
        if "jobId" in names:
            values["jobId"] = self._post("/v1/bulkJobs/copyFolder", self._copy_job_body())["jobId"]
        if "requestId" in names:
            url = self._upload()["url"]
            values["requestId"] = self._post("/v1/files/purge", {"url": url})["requestId"]
        return {name: value for name, value in values.items() if name in names}

    def _upload(self) -> dict[str, Any]:
        with self.images.png_path.open("rb") as handle:
            response = requests.post(
                f"{self.server.base_url}/api/v1/files/upload",
                headers={"Authorization": self.authorization},
                data={"fileName": "fuzz.png", "folder": "/fuzz-seeds"},
                files={"file": ("fuzz.png", handle)},
                timeout=REQUEST_TIMEOUT,
            )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def _custom_field(self) -> str:
        name = f"fuzz_{len(self._get('/v1/customMetadataFields', includeDeleted='true'))}"
        body = {"name": name, "label": name, "schema": {"type": "Text"}}
        field_id: str = self._post("/v1/customMetadataFields", body)["id"]
        return field_id

    def _copy_job_body(self) -> dict[str, str]:
        folder = self._upload()["filePath"].rsplit("/", 1)[0]
        return {"sourceFolderPath": folder, "destinationPath": "/fuzz-copies"}

    def _get(self, path: str, **params: str) -> Any:
        response = requests.get(
            f"{self.server.base_url}{path}",
            params=params,
            headers={"Authorization": self.authorization},
            timeout=REQUEST_TIMEOUT,
        )
        assert response.ok, response.text
        return response.json()

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = requests.post(
            f"{self.server.base_url}{path}",
            json=body,
            headers={"Authorization": self.authorization},
            timeout=REQUEST_TIMEOUT,
        )
        assert response.ok, response.text
        answer: dict[str, Any] = response.json()
        return answer
