"""``ImageKit.url()`` throughput: this project's SDK against the official ``imagekitio==4.2.0``.

Run: ``.venv/bin/python bench/url_throughput.py`` (options: ``--help``).

The official package is installed once into its own virtualenv under ``bench/.venvs/official``
and reused. Every measurement runs in a fresh subprocess pinned to one CPU core; the two SDKs
alternate round by round (ours first on even rounds, official first on odd ones) so that drift in
machine load hits both alike. Each subprocess builds a sample URL per case (the parent checks
that both SDKs agree), then times each case for a slice of CPU time in batches of 1,000 calls
and reports its best batch in URLs per CPU-second: process time, so that time the scheduler
gives to other processes on a busy machine does not count.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
OFFICIAL_VENV = BENCH_DIR / ".venvs" / "official"
OFFICIAL_REQUIREMENT = "imagekitio==4.2.0"
TARGET_RATIO = 4.0
FROZEN_NOW = 1_700_000_000  # "now" for --compare, so that expiring URLs match

INIT: dict[str, Any] = {
    "public_key": "public_BENCH_KEY",
    "private_key": "private_BENCH_KEY",
    "url_endpoint": "https://ik.example.com/demo",
}
CASES: dict[str, dict[str, Any]] = {
    "a_path_one_step": {
        "path": "/default-image.jpg",
        "transformation": [{"height": "300", "width": "400"}],
    },
    "b_query_chained": {
        "path": "/folder/sub/image.jpg",
        "transformation_position": "query",
        "transformation": [{"height": "300", "width": "400"}, {"rotation": 90}, {"named": "thumb"}],
    },
    "c_src_with_query": {
        "src": "https://ik.example.com/demo/folder/a.jpg?client=123&ab=c",
        "query_parameters": {"v": "2", "lang": "en"},
        "transformation": [{"format": "webp", "quality": 80}],
    },
    "d_signed_expiring": {
        "path": "/default-image.jpg",
        "transformation": [{"height": "300", "width": "400"}],
        "signed": True,
        "expire_seconds": 300,
    },
}


# --- worker: runs inside either interpreter, imports whichever `imagekitio` it finds ----------


def run_worker(seconds: float, core: int | None) -> None:
    if core is not None:
        os.sched_setaffinity(0, {core})
    from imagekitio import ImageKit

    imagekit = ImageKit(**INIT)
    sample_urls = {name: imagekit.url(options) for name, options in CASES.items()}
    rates = {
        name: _calls_per_second(imagekit.url, options, seconds) for name, options in CASES.items()
    }
    json.dump({"rates": rates, "sample_urls": sample_urls}, sys.stdout)


def _calls_per_second(
    url: Callable[[dict[str, Any]], str], options: dict[str, Any], seconds: float
) -> float:
    """The best rate over short batches, in CPU time: time spent descheduled does not count."""
    batch = 1000
    for _ in range(batch):  # warm-up
        url(options)
    best = 0.0
    deadline = time.process_time() + seconds
    while True:
        start = time.process_time()
        for _ in range(batch):
            url(options)
        end = time.process_time()
        if end > start:
            best = max(best, batch / (end - start))
        if end >= deadline:
            return best


def run_url_builder(sdk: str) -> None:
    """Read pickled option dicts on stdin, write the URL (or error type) each one gives."""
    from imagekitio import ImageKit

    imagekit = ImageKit(**INIT)
    if sdk == "official":
        import imagekitio.url as official_url  # 4.2.0 reads "now" from its `dt` global

        class FrozenDatetime:
            @staticmethod
            def now() -> Any:
                return SimpleNamespace(timestamp=lambda: float(FROZEN_NOW))

        official_url.dt = FrozenDatetime  # type: ignore[attr-defined]
    else:
        from imagekitio.url import Url

        imagekit.url_obj = Url(imagekit.ik_request, clock=lambda: FROZEN_NOW)
    results = []
    for options in pickle.load(sys.stdin.buffer):
        try:
            results.append(("url", imagekit.url(options)))
        except Exception as error:  # the error type is part of the behaviour compared
            results.append(("error", type(error).__name__))
    pickle.dump(results, sys.stdout.buffer)


def random_options(generator: random.Random) -> dict[str, Any]:
    """Options mixing every feature with awkward characters, types and edge cases."""
    characters = "aZ09 -_.~/?#;&=+%,:@!é中\t"

    def text(longest: int = 8) -> str:
        return "".join(generator.choice(characters) for _ in range(generator.randint(0, longest)))

    def value() -> Any:
        return generator.choice([text(), generator.randint(-5, 500), True, False, None, "-", 1.5])

    options: dict[str, Any] = {}
    if generator.random() < 0.7:
        options["path"] = generator.choice(["/", "//", ""]) + text(12)
    if generator.random() < 0.4:
        host = generator.choice(["https://ik.example.com/demo/", "http://h:8/", "HTTPS://X.y/"])
        options["src"] = host + text(10) + generator.choice(["", "?" + text(10), "?a=1&b=&a=2"])
    if generator.random() < 0.7:
        keys = ["height", "width", "raw", "oi", "default_image", "effect_sharpen", "aspectRatio"]
        options["transformation"] = [
            {key: text() if key in {"raw", "oi", "default_image"} else value() for key in step}
            for step in (generator.sample(keys, generator.randint(0, 3)) for _ in range(3))
        ]
    for key, choices in (
        ("transformationPosition", ["path", "query", "middle"]),
        ("signed", [True, False, 1]),
        ("expireSeconds", [0, None, 60]),
        ("urlEndpoint", ["https://cdn.x/y/", "http://127.0.0.1:8080/demo", "https://é.test/a"]),
    ):
        if generator.random() < 0.3:
            options[key] = generator.choice(choices)
    if generator.random() < 0.4:
        names = [text(4), "ik-attachment", "tr", "ik-s"]
        options["queryParameters"] = {generator.choice(names): value() for _ in range(3)}
    return options


def compare(count: int, seed: int) -> int:
    """Build ``count`` random URLs with both SDKs; print and count the differences."""
    generator = random.Random(seed)
    cases = pickle.dumps([random_options(generator) for _ in range(count)])
    outputs = {}
    for sdk, python in (("ours", Path(sys.executable)), ("official", official_python())):
        command = [str(python), str(Path(__file__).resolve()), "--build-urls", sdk]
        done = subprocess.run(command, input=cases, capture_output=True, check=True, cwd=BENCH_DIR)
        outputs[sdk] = pickle.loads(done.stdout)
    differences = 0
    paired = zip(pickle.loads(cases), outputs["ours"], outputs["official"], strict=True)
    for options, ours, official in paired:
        if ours != official:
            differences += 1
            print(f"{options!r}\n  ours:     {ours}\n  official: {official}")
    errors = sum(kind == "error" for kind, _ in outputs["official"])
    print(f"{count} random option sets (seed {seed}, {errors} raising in 4.2.0): ", end="")
    print(f"{differences} differ")
    return 1 if differences else 0


# --- parent: prepares the official virtualenv and alternates the two SDKs ---------------------


def official_python() -> Path:
    """The interpreter of ``bench/.venvs/official``, created and filled on first use."""
    python = OFFICIAL_VENV / "bin" / "python"
    check = [str(python), "-c", "import importlib.metadata as m; print(m.version('imagekitio'))"]
    if python.exists():
        installed = subprocess.run(check, capture_output=True, text=True)
        if installed.returncode == 0 and installed.stdout.strip() == "4.2.0":
            return python
    else:
        print(f"creating {OFFICIAL_VENV} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(OFFICIAL_VENV)], check=True)
    print(f"installing {OFFICIAL_REQUIREMENT} ...", file=sys.stderr)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", OFFICIAL_REQUIREMENT],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    return python


def measure(python: Path | str, seconds: float, core: int | None) -> dict[str, Any]:
    command = [str(python), str(Path(__file__).resolve()), "--worker", "--seconds", str(seconds)]
    if core is not None:
        command += ["--core", str(core)]
    # Run from the bench folder so neither interpreter picks up ./src by accident.
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=BENCH_DIR)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def same_url(ours: str, official: str) -> bool:
    """Equal, or equal up to ``ik-t``/``ik-s`` when the two runs straddled a second."""
    if ours == official:
        return True
    return "ik-t=" in ours and ours.split("ik-t=")[0] == official.split("ik-t=")[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="subprocess pairs (default 5)")
    parser.add_argument("--seconds", type=float, default=0.5, help="time per case (default 0.5)")
    parser.add_argument("--core", type=int, default=max(os.sched_getaffinity(0)), help="CPU core")
    parser.add_argument("--check", action="store_true", help=f"exit 1 below {TARGET_RATIO}x")
    parser.add_argument(
        "--compare", type=int, metavar="N", help="instead of timing, diff N random URLs vs 4.2.0"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed for --compare")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--build-urls", choices=["ours", "official"], help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        run_worker(arguments.seconds, arguments.core)
        return 0
    if arguments.build_urls:
        run_url_builder(arguments.build_urls)
        return 0
    if arguments.compare:
        return compare(arguments.compare, arguments.seed)

    interpreters = {"ours": Path(sys.executable), "official": official_python()}
    rates: dict[str, dict[str, list[float]]] = {
        sdk: {name: [] for name in CASES} for sdk in interpreters
    }
    samples: dict[str, dict[str, str]] = {}
    for round_number in range(arguments.rounds):
        order = ["ours", "official"] if round_number % 2 == 0 else ["official", "ours"]
        for sdk in order:
            result = measure(interpreters[sdk], arguments.seconds, arguments.core)
            samples[sdk] = result["sample_urls"]
            for name, rate in result["rates"].items():
                rates[sdk][name].append(rate)
        print(f"round {round_number + 1}/{arguments.rounds} done", file=sys.stderr)

    return report(rates, samples, arguments)


def report(
    rates: dict[str, dict[str, list[float]]],
    samples: dict[str, dict[str, str]],
    arguments: argparse.Namespace,
) -> int:
    print(
        f"ImageKit.url() throughput, URLs/s; {arguments.rounds} rounds x {arguments.seconds}s "
        f"per case, core {arguments.core}, Python {sys.version.split()[0]}"
    )
    header = (
        "case",
        "ours best",
        "ours median",
        "4.2.0 best",
        "4.2.0 median",
        "ratio best",
        "ratio median",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    all_met = True
    for name in CASES:
        ours, official = rates["ours"][name], rates["official"][name]
        best_ratio = max(ours) / max(official)
        median_ratio = statistics.median(ours) / statistics.median(official)
        all_met &= min(best_ratio, median_ratio) >= TARGET_RATIO
        row = (
            name,
            f"{max(ours):,.0f}",
            f"{statistics.median(ours):,.0f}",
            f"{max(official):,.0f}",
            f"{statistics.median(official):,.0f}",
            f"{best_ratio:.2f}x",
            f"{median_ratio:.2f}x",
        )
        print("| " + " | ".join(row) + " |")
        if not same_url(samples["ours"][name], samples["official"][name]):
            print(f"  WARNING {name}: URLs differ:", file=sys.stderr)
            print(f"    ours:     {samples['ours'][name]}", file=sys.stderr)
            print(f"    official: {samples['official'][name]}", file=sys.stderr)
            all_met = False
    verdict = "met" if all_met else "NOT met"
    print(f"target: ours >= {TARGET_RATIO}x official by best and by median: {verdict}")
    return 0 if all_met or not arguments.check else 1


if __name__ == "__main__":
    sys.exit(main())
