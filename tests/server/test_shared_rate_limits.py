"""Rate limits shared by several servers through Redis (``IMAGEKIT_REDIS_URL``), on the Redis
server at 127.0.0.1:6379 (``IMAGEKIT_TEST_REDIS_URL`` names another): one bucket for the whole
deployment, keys that expire and do not name the client, and each server's own buckets while
Redis cannot be reached."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import redis
import requests

from imagekit_server.abuse import redis_buckets
from imagekit_server.abuse.rate_limits import RateLimit
from imagekit_server.abuse.redis_buckets import RedisBuckets
from imagekit_server.observability.lifecycle import without_secrets
from imagekit_server.settings import Settings, SettingsError
from tests.fixtures.live_server import StartServer, free_port

REDIS_URL = os.environ.get("IMAGEKIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def prefix() -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    chosen = f"imagekit-test-{secrets.token_hex(6)}:"
    yield chosen
    with redis.Redis.from_url(REDIS_URL) as client:
        for key in client.scan_iter(match=f"{chosen}*"):
            client.delete(key)


def _limit(prefix: str, per_minute: float = 20, url: str = REDIS_URL) -> RateLimit:
    return RateLimit(per_minute, redis=RedisBuckets(url, prefix, "api"))


def test_two_servers_draw_from_one_bucket(prefix: str) -> None:
    async def scenario() -> list[float]:
        first, second = _limit(prefix), _limit(prefix)  # two servers: 20 a minute, bursts of 5
        waits = [await (first if n % 2 else second).wait("ip:203.0.113.9") for n in range(6)]
        waits.append(await first.wait("ip:203.0.113.10"))  # another client: its own bucket
        await first.aclose()
        await second.aclose()
        return waits

    waits = asyncio.run(scenario())
    assert waits[:5] == [0.0] * 5
    assert 2.5 < waits[5] <= 3.0  # one token every 3 s
    assert waits[6] == 0.0


def test_keys_expire_and_hold_a_hash_of_the_client(prefix: str) -> None:
    private_key = f"private_{secrets.token_hex(8)}"  # HTTP Basic's user name: a secret

    async def scenario() -> None:
        limit = _limit(prefix)
        await limit.wait("key:" + private_key)
        await limit.aclose()

    asyncio.run(scenario())
    with redis.Redis.from_url(REDIS_URL) as client:
        keys = [key.decode() for key in client.scan_iter(match=f"{prefix}*")]
        assert len(keys) == 1 and keys[0].startswith(f"{prefix}rate:api:")
        assert private_key not in keys[0]
        # one token of five spent at 1/3 s each: full again in 3 s, kept a second longer
        assert 3000 < client.pttl(keys[0]) <= 4000


def test_each_server_applies_the_limits_alone_while_redis_is_down(
    prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    unreachable = f"redis://127.0.0.1:{free_port()}/0"

    async def scenario() -> tuple[list[float], bool]:
        limit = _limit(prefix, url=unreachable)
        waits = [await limit.wait("ip:203.0.113.9") for _ in range(6)]
        assert limit._redis is not None
        available = limit._redis.available
        await limit.aclose()
        return waits, available

    with caplog.at_level(logging.WARNING, logger=redis_buckets.__name__):
        waits, available = asyncio.run(scenario())
    assert waits[:5] == [0.0] * 5 and waits[5] > 0  # the local bucket still limits
    assert not available  # Redis is tried again after RETRY_SECONDS, not on every request
    warnings = [record for record in caplog.records if "did not answer" in record.message]
    assert len(warnings) == 1


def test_a_redis_url_must_name_redis() -> None:
    with pytest.raises(SettingsError):
        Settings.from_env({"IMAGEKIT_REDIS_URL": "http://127.0.0.1:6379"})
    settings = Settings.from_env({"IMAGEKIT_REDIS_URL": REDIS_URL})
    assert (settings.redis_url, settings.redis_prefix) == (REDIS_URL, "imagekit:")
    # as the start-up line shows it
    assert without_secrets("redis://:s3cret@cache:6379/0") == "redis://:***@cache:6379/0"


def test_servers_behind_one_load_balancer_share_the_limit(
    live_server_factory: StartServer, prefix: str
) -> None:
    env = {
        "IMAGEKIT_RATE_LIMIT_API": "8",  # bursts of 2, one call every 7.5 s
        "IMAGEKIT_REDIS_URL": REDIS_URL,
        "IMAGEKIT_REDIS_PREFIX": prefix,
    }
    servers = [live_server_factory(env=env), live_server_factory(env=env)]
    statuses = [
        requests.get(f"{server.base_url}/v1/files", auth=server.auth, timeout=10)
        for server in (servers[0], servers[1], servers[0])
    ]
    assert [response.status_code for response in statuses] == [200, 200, 429]
    refused = statuses[2]
    assert int(refused.headers["retry-after"]) >= 7
    assert refused.headers["x-ratelimit-limit"] == "2"
    assert f"rate limits shared in {without_secrets(REDIS_URL)}" in servers[0].log()


def _at_port(url: str, port: int) -> str:
    """``url`` pointed at 127.0.0.1:``port``, its user and password kept."""
    parts = urlsplit(url)
    user, at, _ = parts.netloc.rpartition("@")
    return parts._replace(netloc=f"{user}{at}127.0.0.1:{port}").geturl()


async def _forward(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def _relay(client: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
    """One connection through to the test's Redis."""
    target = urlsplit(REDIS_URL)
    server_reader, server_writer = await asyncio.open_connection(target.hostname, target.port)
    await asyncio.gather(_forward(client, server_writer), _forward(server_reader, client_writer))


def test_the_limits_are_shared_again_once_redis_answers(
    prefix: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Redis unreachable (nothing listens where the URL points), then reachable (a relay to
    the real one starts there): after ``RETRY_SECONDS`` the shared bucket is used again."""
    monkeypatch.setattr(redis_buckets, "RETRY_SECONDS", 0.2)
    port = free_port()

    async def scenario() -> tuple[float, float, float]:
        through_relay = _at_port(REDIS_URL, port)
        limit = _limit(prefix, per_minute=4, url=through_relay)  # bursts of 1
        other = _limit(prefix, per_minute=4)  # another server, straight to Redis
        alone = await limit.wait("ip:203.0.113.9")  # Redis down: this server's own bucket
        relay = await asyncio.start_server(_relay, "127.0.0.1", port)
        await asyncio.sleep(0.3)
        shared = await limit.wait("ip:203.0.113.9")  # Redis again: the shared bucket's token
        after = await other.wait("ip:203.0.113.9")  # which the other server now lacks
        await limit.aclose()
        await other.aclose()
        relay.close()
        return alone, shared, after

    with caplog.at_level(logging.INFO, logger=redis_buckets.__name__):
        alone, shared, after = asyncio.run(scenario())
    assert (alone, shared) == (0.0, 0.0)
    assert after > 10  # one token every 15 s, taken through the relay
    messages = [record.message for record in caplog.records]
    assert any("did not answer" in message for message in messages)
    assert any("answers again" in message for message in messages)


def test_a_server_whose_redis_is_down_still_limits_and_counts_the_failures(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory(
        env={
            "IMAGEKIT_RATE_LIMIT_API": "8",
            "IMAGEKIT_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens
        }
    )
    statuses = [
        requests.get(f"{server.base_url}/v1/files", auth=server.auth, timeout=10).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]  # this server's own bucket
    metrics = requests.get(f"{server.base_url}/metrics", timeout=10).text
    counted = re.search(r'^imagekit_backend_errors_total\{backend="redis"\} (\S+)$', metrics, re.M)
    assert counted is not None and float(counted.group(1)) >= 1
    assert "Redis did not answer" in server.log()
