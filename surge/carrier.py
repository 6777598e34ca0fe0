"""The carriers' side: parcels registered with the carrier simulator (simulators/carrier_sim),
which posts signed webhook sequences to logistics-svc.

When the simulator is not installed yet, ``DirectCarrier`` stands in: it posts one signed
pickup-and-delivery sequence per parcel itself, in the same three formats, so the rest of the
surge can run. Only the simulator adds duplicates, out-of-order scans and failed attempts.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import urlencode

import httpx

from shipsettle_shared.http_client import aiohttp_backed_client

ROOT = Path(__file__).resolve().parent.parent
CHINA = timedelta(hours=8)
# Carriers whose numbers the driver makes up, and how (patterns as logistics-svc's registry has
# them); native webhooks go to SF only, the one carrier whose secret the driver rotates.
CARRIERS = ("SF", "JD", "YTO")
FORMATS = ("kuaidi100", "aftership", "native")


def tracking_number(carrier_code: str, serial: int) -> str:
    """A number in the carrier's format; ``serial`` is unique across runs (a run nonce in its
    high digits), since logistics-svc refuses a number already in use."""
    digits = f"{serial % 10**13:013d}"
    if carrier_code == "SF":
        return f"SF{digits}"
    if carrier_code == "JD":
        return f"JDVA{digits[2:]}"
    return f"YT{digits}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def simulator_installed() -> bool:
    return importlib.util.find_spec("simulators.carrier_sim") is not None


class Carrier(Protocol):
    async def register(self, tracking_number: str, carrier_code: str, fmt: str, fate: str = "delivered") -> None: ...

    async def quiet(self) -> bool: ...

    async def close(self) -> None: ...


class SimulatedCarrier:
    """The carrier simulator as a process of this run, posting to logistics-svc."""

    def __init__(
        self,
        *,
        port: int,
        logistics_url: str,
        seed: int,
        kuaidi100_salt: str,
        aftership_secret: str,
        native_secret: str,
        log_path: Path,
        rates: dict[str, str] | None = None,
    ) -> None:
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        # --name=value: a secret may begin with "-", which argparse would take for an option
        options = {
            "--port": str(port),
            "--logistics-url": logistics_url,
            "--seed": str(seed),
            "--kuaidi100-salt": kuaidi100_salt,
            "--aftership-secret": aftership_secret,
            "--native-secret": native_secret,
            "--clock-url": f"{logistics_url}/_test/clock",
            "--db": str(log_path.with_suffix(".sqlite3")),
            **(rates or {}),
        }
        self.command = [sys.executable, "-m", "simulators.carrier_sim", *(f"{k}={v}" for k, v in options.items())]
        self.process: subprocess.Popen[bytes] | None = None
        self.client = aiohttp_backed_client(timeout=10)

    def _spawn(self) -> subprocess.Popen[bytes]:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            return subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=dict(os.environ),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    async def start(self, timeout_s: float = 60) -> None:
        self.process = await asyncio.to_thread(self._spawn)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the carrier simulator exited; see {self.log_path}")
            try:
                if (await self.client.get(f"{self.base_url}/_sim/stats")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
        raise TimeoutError(f"the carrier simulator was not ready in {timeout_s}s; see {self.log_path}")

    async def register(self, tracking_number: str, carrier_code: str, fmt: str, fate: str = "delivered") -> None:
        body = {"tracking_number": tracking_number, "carrier_code": carrier_code, "format": fmt, "fate": fate}
        for attempt in range(5):
            try:
                response = await self.client.post(f"{self.base_url}/v1/parcels", json=body)
            except httpx.TransportError:
                await asyncio.sleep(0.2 * (attempt + 1))
                continue
            if response.status_code in (200, 201, 202):
                return
            raise RuntimeError(f"carrier simulator refused {tracking_number}: {response.status_code} {response.text}")
        raise RuntimeError(f"carrier simulator unreachable for {tracking_number}")

    async def quiet(self) -> bool:
        stats = (await self.client.get(f"{self.base_url}/_sim/stats")).json()
        return int(stats.get("in_progress", 0)) == 0

    async def close(self) -> None:
        await self.client.aclose()
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class DirectCarrier:
    """Stand-in for the simulator: a pickup and a delivery scan per parcel, signed and posted."""

    def __init__(self, *, logistics_url: str, kuaidi100_salt: str, aftership_secret: str, native_secret: str) -> None:
        self.logistics_url = logistics_url
        self.secrets = {"kuaidi100": kuaidi100_salt, "aftership": aftership_secret, "native": native_secret}
        self.client = aiohttp_backed_client(timeout=10)
        self.tasks: set[asyncio.Task[None]] = set()
        self.failures: list[str] = []

    async def register(self, tracking_number: str, carrier_code: str, fmt: str, fate: str = "delivered") -> None:
        task = asyncio.create_task(self._deliver(tracking_number, carrier_code, fmt))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _deliver(self, number: str, carrier_code: str, fmt: str) -> None:
        from logistics_svc.adapters.webhook_formats import aftership, kuaidi100, native

        now = datetime.fromisoformat((await self.client.get(f"{self.logistics_url}/_test/clock")).json()["now"])
        scans = [("picked_up", now - timedelta(minutes=2)), ("delivered", now - timedelta(minutes=1))]
        if fmt == "kuaidi100":
            names = {"picked_up": "揽收", "delivered": "签收"}
            data = [
                {
                    "context": names[status],
                    "time": (at.astimezone(UTC) + CHINA).strftime("%Y-%m-%d %H:%M:%S"),
                    "ftime": (at.astimezone(UTC) + CHINA).strftime("%Y-%m-%d %H:%M:%S"),
                    "status": names[status],
                }
                for status, at in reversed(scans)
            ]
            com = {"SF": "shunfeng", "JD": "jd", "YTO": "yuantong"}[carrier_code]
            last = {"state": "3", "ischeck": "1", "com": com, "nu": number, "data": data, "status": "200"}
            param = json.dumps({"status": "polling", "lastResult": last}, ensure_ascii=False)
            body = urlencode({"param": param, "sign": kuaidi100.sign_param(param, self.secrets["kuaidi100"])}).encode()
            url, headers = "/v1/webhooks/kuaidi100", {"content-type": "application/x-www-form-urlencoded"}
        elif fmt == "aftership":
            slug = {"SF": "sf-express", "JD": "jd-express", "YTO": "yto"}[carrier_code]
            tags = {"picked_up": "InfoReceived", "delivered": "Delivered"}
            checkpoints = [
                {"checkpoint_time": at.astimezone(UTC).isoformat(), "message": tags[s], "slug": slug, "tag": tags[s]}
                for s, at in scans
            ]
            message = {"tracking_number": number, "slug": slug, "tag": "Delivered", "checkpoints": checkpoints}
            body = json.dumps(
                {"event": "tracking_update", "event_id": str(uuid.uuid4()), "msg": message, "ts": int(now.timestamp())}
            ).encode()
            url = "/v1/webhooks/aftership"
            headers = {
                "content-type": "application/json",
                "aftership-hmac-sha256": aftership.sign(body, self.secrets["aftership"]),
            }
        else:
            statuses = {"picked_up": "info_received", "delivered": "delivered"}
            descriptions = {"picked_up": "已揽收", "delivered": "已签收"}
            # the native schema is strict: every scan names its description and location
            body = json.dumps(
                {
                    "tracking_number": number,
                    "carrier_code": carrier_code,
                    "scans": [
                        {
                            "status": statuses[s],
                            "occurred_at": at.isoformat(),
                            "description": descriptions[s],
                            "location": "杭州市",
                        }
                        for s, at in scans
                    ],
                },
                ensure_ascii=False,
            ).encode()
            url = f"/v1/webhooks/carriers/{carrier_code}"
            signed = native.sign(body, self.secrets["native"], f"msg_{uuid.uuid4().hex}", datetime.now(UTC))
            headers = {**signed, "content-type": "application/json"}
        for attempt in range(10):
            try:
                response = await self.client.post(f"{self.logistics_url}{url}", content=body, headers=headers)
                if response.status_code == 200:
                    return
                error = f"{response.status_code} {response.text[:200]}"
            except httpx.TransportError as failure:
                error = repr(failure)
            await asyncio.sleep(0.2 * (attempt + 1))
        self.failures.append(f"{fmt} {number}: {error}")

    async def quiet(self) -> bool:
        return not self.tasks

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await self.client.aclose()
