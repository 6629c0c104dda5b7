"""The container recipe, checked as far as a machine without a Docker daemon allows: the
Dockerfile's instructions, the compose file's services, settings, volumes and health checks,
the nginx substitution it runs, and the install script shared with `make`/CI."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from imagekit_server.settings import Settings

ROOT = Path(__file__).parents[2]
DEPLOY = ROOT / "deploy"
SETTINGS_SOURCE = ROOT / "src" / "imagekit_server" / "settings.py"
# Read by boto3 (and storage/s3.py), not by settings.py.
AWS_VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"}


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (DEPLOY / "Dockerfile").read_text()
    logical = re.sub(r"\\\n\s*", " ", text)
    instructions = []
    for line in logical.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def settings_variables() -> set[str]:
    return set(re.findall(r'_read\(env, values, "([A-Z0-9_]+)"', SETTINGS_SOURCE.read_text()))


def test_dockerfile_runs_as_a_user_with_a_health_check_and_a_data_volume() -> None:
    instructions = dockerfile_instructions()
    keywords = [keyword for keyword, _ in instructions]
    assert keywords[0] == "FROM" and re.fullmatch(r"python:3\.\d+-slim\S*", instructions[0][1])
    assert keywords.count("FROM") == 1
    users = [args for keyword, args in instructions if keyword == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert keywords.index("USER") < keywords.index("CMD")
    assert keywords[-1] == "CMD" and json.loads(instructions[-1][1]) == ["imagekit-server", "serve"]
    healthcheck = next(args for keyword, args in instructions if keyword == "HEALTHCHECK")
    assert "/healthz" in healthcheck and "CMD [" in healthcheck
    volumes = [json.loads(args) for keyword, args in instructions if keyword == "VOLUME"]
    env = " ".join(args for keyword, args in instructions if keyword == "ENV")
    assert volumes == [["/data"]] and "IMAGEKIT_DATA_DIR=/data" in env
    assert "IMAGEKIT_HOST=0.0.0.0" in env
    # The data dir exists and belongs to the user before the VOLUME line copies it.
    setup = next(args for keyword, args in instructions if keyword == "RUN")
    assert "chown imagekit:imagekit /data" in setup and "useradd" in setup


def test_dockerfile_installs_with_the_script_make_and_ci_use() -> None:
    instructions = dockerfile_instructions()
    runs = [args for keyword, args in instructions if keyword == "RUN"]
    assert any(re.search(r"\bscripts/install\.sh /opt/venv server\b", run) for run in runs)
    for keyword, args in instructions:
        if keyword == "COPY":
            *sources, _ = shlex.split(args)
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
    makefile = (ROOT / "Makefile").read_text()
    assert "scripts/install.sh $(VENV) server,async,dev" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    # Nothing else installs packages in the image: no apt-get libvips, the wheel brings it.
    assert not any("apt-get" in run or "pip install" in run for run in runs)
    assert "pyvips[binary]" in (ROOT / "pyproject.toml").read_text()


def test_install_script_is_valid_bash_and_checks_libvips() -> None:
    script = ROOT / "scripts" / "install.sh"
    assert script.stat().st_mode & 0o111
    subprocess.run(["bash", "-n", str(script)], check=True, timeout=10)
    text = script.read_text()
    assert "set -euo pipefail" in text and "import pyvips" in text
    usage = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=10)
    assert usage.returncode != 0 and "usage: scripts/install.sh" in usage.stderr


def test_dockerignore_keeps_the_build_context_small() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv"} <= set(ignored)
    assert not {"src", "scripts", "pyproject.toml"} & set(ignored)


def test_compose_has_the_scale_out_services() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "minio", "minio-setup", "redis", "imagekit", "nginx"}
    server = services["imagekit"]
    assert server["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert (DEPLOY / server["build"]["context"] / server["build"]["dockerfile"]).is_file()
    assert str(server["deploy"]["replicas"]).startswith("${IMAGEKIT_REPLICAS:-")
    assert server["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "minio-setup": {"condition": "service_completed_successfully"},
    }
    assert services["nginx"]["depends_on"] == {"imagekit": {"condition": "service_healthy"}}
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on a missing {dependency}"
        if name != "minio-setup":  # a one-shot job
            assert service["healthcheck"]["test"][0] in {"CMD", "CMD-SHELL"}, name
            assert service["restart"] == "unless-stopped"


def test_compose_server_environment_is_read_by_the_settings() -> None:
    environment = compose()["services"]["imagekit"]["environment"]
    known = settings_variables() | AWS_VARIABLES | {"IMAGEKIT_S3_ENDPOINT_URL"}
    assert set(environment) <= known, set(environment) - known
    assert (
        "IMAGEKIT_S3_ENDPOINT_URL" in (ROOT / "src/imagekit_server/storage/__init__.py").read_text()
    )
    assert environment["DATABASE_URL"].startswith("postgresql+psycopg://imagekit:")
    assert environment["DATABASE_URL"].endswith("@postgres:5432/imagekit")
    assert environment["IMAGEKIT_STORAGE"] == "s3://imagekit/store"
    assert environment["IMAGEKIT_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert ":?" in environment["IMAGEKIT_PRIVATE_KEY"]  # refused when unset, never generated
    # The values as the server reads them, defaults substituted the way compose would.
    resolved = {
        key: re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(value))
        for key, value in environment.items()
        if key in settings_variables() and "?" not in str(value)
    }
    settings = Settings.from_env(resolved)
    assert (settings.host, settings.port, settings.workers) == ("0.0.0.0", 8000, 2)
    assert settings.public_url == "http://localhost:8080"
    assert settings.redis_url == "redis://redis:6379/0"  # the replicas share their rate limits
    setup = " ".join(compose()["services"]["minio-setup"]["entrypoint"])
    assert "store/imagekit" in setup  # the bucket IMAGEKIT_STORAGE names


def test_compose_volumes_and_ports() -> None:
    document = compose()
    services = document["services"]
    named = set(document["volumes"])
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists(), f"{source} does not exist"
            else:
                assert source in named, f"volume {source} is not declared"
    assert services["nginx"]["ports"] == ["8080:8080"]
    assert "ports" not in services["imagekit"]  # reached through nginx only
    assert services["imagekit"]["expose"] == ["8000"]
    assert services["minio"]["ports"] == ["127.0.0.1:9001:9001"]
    assert "/var/lib/postgresql/data" in services["postgres"]["volumes"][0]


def test_nginx_command_points_the_shipped_config_at_the_replicas(tmp_path: Path) -> None:
    nginx = compose()["services"]["nginx"]
    mount = next(v for v in nginx["volumes"] if v.startswith("./nginx/"))
    shipped = DEPLOY / mount.split(":")[0]
    script = nginx["command"][-1]
    expressions = re.findall(r"-e '([^']+)'", script)
    assert len(expressions) == 2
    copy = tmp_path / "imagekit.conf.in"
    copy.write_text(shipped.read_text())
    result = subprocess.run(
        ["sed", *[arg for e in expressions for arg in ("-e", e)], str(copy)],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    )
    config = result.stdout
    assert re.search(r"^\s*server imagekit:8000;", config, re.M)
    assert re.search(r"^\s*listen 8080;", config, re.M)
    assert "127.0.0.1:8000" not in config.replace("# 127.0.0.1:8000", "")
    assert "/etc/nginx/conf.d/default.conf" in script and "daemon off;" in script
    assert "/var/cache/nginx/imagekit" in config  # the cache volume's mount point


@pytest.mark.parametrize("path", ["deployment.md", "import.md", "sdk-extensions.md"])
def test_docs_exist_and_name_the_files(path: str) -> None:
    text = (ROOT / "docs" / path).read_text()
    assert len(text) > 500
    if path == "deployment.md":
        assert "deploy/Dockerfile" in text and "deploy/compose.yaml" in text
