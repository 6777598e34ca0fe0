"""Must show (Foundation): `make run` brings all five services to /readyz 200, prints working API
keys and every URL, and stops everything it started on Ctrl-C.

This drives deploy/local.py run, which is what `make run` calls once the venv and the Kafka jars
are installed, on a broker port of its own where none runs: it starts that broker, and must stop
it on Ctrl-C with the rest. (On the suite's broker its services, with make run's consumer groups,
would consume the other tests' events and publish their own effects back: a CI run where this
test's stop timed out left them running and broke three later tests.) The startup time it prints
is recorded in docs/benchmarks.md, not asserted: the bounds below only keep a broken start or stop
from hanging CI.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import time

import httpx
import pytest
from local import PYTHON, ROOT, kafka_running, stop_kafka
from support import eventually

from shipsettle_shared.topology import SERVICES

pytestmark = pytest.mark.infra

START_BOUND_S = 300
STOP_BOUND_S = 180
MAKE_RUN_KAFKA_PORT = 19192  # make test's broker is 19092; this one only make run starts and stops


async def test_make_run_starts_all_five_services_prints_keys_and_stops_on_ctrl_c() -> None:
    if await asyncio.to_thread(kafka_running, MAKE_RUN_KAFKA_PORT):  # left by an interrupted run
        await asyncio.to_thread(stop_kafka, MAKE_RUN_KAFKA_PORT)
    # this test's broker only: a fresh one, as a log dir formatted before SASL/SCRAM holds no
    # credentials and the broker script refuses it
    shutil.rmtree(ROOT / "var" / "kafka" / str(MAKE_RUN_KAFKA_PORT), ignore_errors=True)
    process = await asyncio.create_subprocess_exec(
        PYTHON,
        "deploy/local.py",
        "run",
        cwd=ROOT,
        env={**os.environ, "KAFKA_PORT": str(MAKE_RUN_KAFKA_PORT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output: list[str] = []
    try:
        assert process.stdout is not None

        async def read_until_running() -> None:
            while True:
                line = await process.stdout.readline()
                if not line:
                    raise AssertionError("make run exited early:\n" + "".join(output))
                output.append(line.decode())
                if "Ctrl-C stops everything" in output[-1]:
                    return

        await asyncio.wait_for(read_until_running(), timeout=START_BOUND_S)
        text = "".join(output)
        print(re.search(r"ready [0-9.]+ s after start", text))
        keys = dict(re.findall(r"^\s+(ops|platform|merchant)\s+API key.*: (ss_\S+)$", text, flags=re.MULTILINE))
        assert set(keys) == {"ops", "platform", "merchant"}
        async with httpx.AsyncClient(timeout=5) as client:
            for spec in SERVICES:
                url = f"http://127.0.0.1:{spec.http_port}"
                assert url in text
                assert (await client.get(f"{url}/readyz")).status_code == 200
                # development environment: no test controls
                assert (await client.get(f"{url}/_test/clock")).status_code == 404

                async def ops_key_accepted(base: str = url) -> bool:
                    response = await client.get(
                        f"{base}/v1/ops/bus-probes/none", headers={"Authorization": f"Bearer {keys['ops']}"}
                    )
                    return response.status_code == 404

                await eventually(ops_key_accepted, timeout_s=30)

        process.send_signal(signal.SIGINT)
        stopped_at = time.monotonic()

        said: list[str] = []  # each line with when it came, so a slow stop says which step was slow

        async def read_until_exit() -> None:
            assert process.stdout is not None
            while line := await process.stdout.readline():
                said.append(f"+{time.monotonic() - stopped_at:5.1f} s {line.decode()}")
            await process.wait()

        reading = asyncio.ensure_future(read_until_exit())
        done, _ = await asyncio.wait({reading}, timeout=STOP_BOUND_S)
        if not done:
            reading.cancel()
        remaining = "".join(said)
        print(remaining)
        assert done, f"make run did not stop within {STOP_BOUND_S} s after Ctrl-C:\n{remaining}"
        assert process.returncode == 0, remaining
        assert "ShipSettle stopped." in remaining
        async with httpx.AsyncClient(timeout=2) as client:
            for spec in SERVICES:
                with pytest.raises(httpx.ConnectError):
                    await client.get(f"http://127.0.0.1:{spec.http_port}/healthz")
        assert not await asyncio.to_thread(kafka_running, MAKE_RUN_KAFKA_PORT), "make run left its broker running"
    finally:
        if process.returncode is None:
            # SIGTERM stops the services as Ctrl-C does; killing only deploy/local.py would orphan
            # them (they run in their own sessions) beside the rest of the suite
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout=STOP_BOUND_S)
            except TimeoutError:
                process.kill()
                await process.wait()
        if await asyncio.to_thread(kafka_running, MAKE_RUN_KAFKA_PORT):
            await asyncio.to_thread(stop_kafka, MAKE_RUN_KAFKA_PORT)
