"""The production set-up of docs/production.md, on this machine: N Rasa servers and M action servers behind the
shipped nginx config (deploy/nginx/signpost.conf), one PostgreSQL conversation store, one Redis for locks.

Used by the fault test (tests/production/test_fault.py) and the load bench (bench/load.py). Every process is a
child of this one and is stopped by ``Cluster.stop()``; the nginx config is the shipped file with the upstream
host names replaced by 127.0.0.1 ports, nothing else changed.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from bot import settings

NGINX_CONF = settings.PROJECT_ROOT / "deploy" / "nginx" / "signpost.conf"
ENTRY = [sys.executable, "-m", "bot.rasa_entry"]


def nginx_binary() -> Optional[str]:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_status(url: str, timeout: float = 2.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def post_json(url: str, body: Any, timeout: float = 90.0) -> tuple[int, Any]:
    """POST JSON; (status, decoded body). Connection failures raise OSError/URLError."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def render_nginx_conf(rasa_ports: list[int], action_ports: list[int], public_port: int, actions_port: int) -> str:
    """The shipped config with its upstream servers and listen ports pointed at this machine."""
    text = NGINX_CONF.read_text(encoding="utf-8")

    def upstream(name: str, ports: list[int]) -> None:
        nonlocal text
        block = re.search(r"upstream %s \{.*?\n\}" % name, text, flags=re.S)
        assert block, f"upstream {name} not found in {NGINX_CONF}"
        body = block.group(0)
        options = re.search(r"server \S+:\d+ (.*?);", body).group(1)
        body = re.sub(r"\n    server \S+:\d+ .*?;", "", body)
        servers = "".join(f"\n    server 127.0.0.1:{port} {options};" for port in ports)
        body = body.replace("least_conn;", "least_conn;" + servers, 1)
        text = text.replace(block.group(0), body)

    upstream("signpost_rasa", rasa_ports)
    upstream("signpost_actions", action_ports)
    text = text.replace("listen 8080;", f"listen 127.0.0.1:{public_port};")
    text = text.replace("listen 8081;", f"listen 127.0.0.1:{actions_port};")
    return text


@dataclass
class Server:
    kind: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.process.poll() is None


@dataclass
class Cluster:
    """The servers; start with ``start()``, always ``stop()``."""

    workdir: Path
    tracker_url: str
    redis_url: str
    redis_prefix: str
    rasa_count: int = 2
    action_count: int = 2
    model: Path = settings.MODEL_FILE
    extra_env: dict[str, str] = field(default_factory=dict)
    #: Sanic workers per Rasa server (SANIC_WORKERS); Rasa allows more than 1 with the Redis lock store.
    rasa_workers: int = 1
    rasa: list[Server] = field(default_factory=list)
    actions: list[Server] = field(default_factory=list)
    nginx: Optional[subprocess.Popen] = None
    public_port: int = 0
    actions_proxy_port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.public_port}"

    def env(self) -> dict[str, str]:
        return {
            **settings.rasa_environment(),
            "SIGNPOST_TRACKER_URL": self.tracker_url,
            "SIGNPOST_REDIS_URL": self.redis_url,
            "SIGNPOST_REDIS_PREFIX": self.redis_prefix,
            "SIGNPOST_DATABASE_URL": f"sqlite:///{self.workdir / 'directory.db'}",
            "SIGNPOST_PSEUDONYM_KEY": "signpost-production-test-pseudonym-key-0123456789",
            "SIGNPOST_CLOCK_OVERRIDE": "1",
            # A crashed server's turn holds its conversation this long at most (renewed while alive).
            "SIGNPOST_LOCK_LIFETIME_SECONDS": "5",
            "SANIC_WORKERS": str(self.rasa_workers),
            # The load comes from this one machine: per-address and per-sender request limits (channels/limits.py,
            # tested on their own) would answer it with 429s. In production SIGNPOST_TRUSTED_PROXIES names nginx.
            "SIGNPOST_LIMIT_PER_ADDRESS": "off",
            "SIGNPOST_LIMIT_PER_SENDER": "off",
            **self.extra_env,
        }

    # ------------------------------------------------------------------ starting

    def snapshot_model(self, attempts: int = 10) -> Path:
        """A whole copy of the model file: others may retrain (rewrite it) while this cluster starts."""
        import tarfile

        copy = self.workdir / "model.tar.gz"
        for _ in range(attempts):
            try:
                shutil.copyfile(self.model, copy)
                with tarfile.open(copy) as archive:
                    archive.getmembers()
                return copy
            except (OSError, tarfile.TarError, EOFError):
                time.sleep(5)
        raise RuntimeError(f"{self.model} could not be read whole")

    def start(self, timeout: float = 420) -> "Cluster":
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.model = self.snapshot_model()
        env = self.env()
        subprocess.run([sys.executable, "-m", "bot.cli", "kb", "init"], cwd=settings.PROJECT_ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.public_port, self.actions_proxy_port = free_port(), free_port()
        endpoints = self.workdir / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.actions_proxy_port}/webhook"\n'
            "tracker_store:\n  type: bot.tracker_store.PrivateSQLTrackerStore\n"
            "lock_store:\n  type: bot.lock_store.AtomicRedisLockStore\n",
            encoding="utf-8",
        )
        for index in range(self.action_count):
            self.actions.append(self._start_action_server(index, free_port()))
        for index in range(self.rasa_count):
            self.rasa.append(self._start_rasa_server(index, free_port(), endpoints))
        self.start_proxy()
        deadline = time.monotonic() + timeout
        for server in self.actions + self.rasa:
            # The health channel is 503 until the model is loaded (channels/health.py).
            self._wait_until_up(server, "/health" if server.kind == "actions" else "/webhooks/health/", deadline)
        return self

    def _start_action_server(self, index: int, port: int) -> Server:
        log = self.workdir / f"actions-{index}.log"
        with open(log, "ab") as handle:
            process = subprocess.Popen(
                [*ENTRY, "rasa_sdk", "--actions", "actions", "--port", str(port)],
                cwd=settings.PROJECT_ROOT, env=self.env(), stdout=handle, stderr=subprocess.STDOUT,
            )
        return Server("actions", port, process, log)

    def _start_rasa_server(self, index: int, port: int, endpoints: Path) -> Server:
        log = self.workdir / f"rasa-{index}.log"
        with open(log, "ab") as handle:
            process = subprocess.Popen(
                [*ENTRY, "rasa", "run", "--model", str(self.model), "--endpoints", str(endpoints),
                 "--credentials", str(settings.CREDENTIALS), "--port", str(port), "--cors", "*"],
                cwd=settings.PROJECT_ROOT, env=self.env(), stdout=handle, stderr=subprocess.STDOUT,
            )
        return Server("rasa", port, process, log)

    def start_proxy(self) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (make proxy-deps installs Debian's nginx-light)")
        site = self.workdir / "signpost.conf"
        site.write_text(render_nginx_conf([s.port for s in self.rasa], [s.port for s in self.actions],
                                          self.public_port, self.actions_proxy_port), encoding="utf-8")
        temp = self.workdir / "nginx-temp"
        temp.mkdir(exist_ok=True)
        temp.chmod(0o777)
        user = "user root root;\n" if os.geteuid() == 0 else ""
        main = self.workdir / "nginx.conf"
        main.write_text(
            f"{user}worker_processes 2;\ndaemon off;\npid {self.workdir / 'nginx.pid'};\n"
            f"error_log {self.workdir / 'nginx-error.log'} warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n  access_log off;\n"
            + "".join(f"  {kind}_temp_path {temp / kind};\n"
                      for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
            + f"  include {site};\n}}\n",
            encoding="utf-8",
        )
        self.nginx = subprocess.Popen([binary, "-c", str(main), "-p", str(self.workdir)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.nginx.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.workdir / 'nginx-error.log').read_text(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", self.public_port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("nginx did not start")

    def _wait_until_up(self, server: Server, path: str, deadline: float) -> None:
        while True:
            if not server.alive():
                raise RuntimeError(f"{server.kind} server exited: {server.log.read_text(errors='replace')[-3000:]}")
            try:
                if http_status(server.url + path) == 200:
                    return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{server.kind} server did not start: {server.log}")
            time.sleep(1)

    # ------------------------------------------------------------------ faults

    @staticmethod
    def kill(server: Server) -> None:
        """SIGKILL: a crash, no goodbye (in-flight requests are cut; a held lock is left to expire)."""
        server.process.kill()
        server.process.wait(timeout=30)

    def nginx_workers(self) -> list[int]:
        workers = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if self.nginx and int(fields[1]) == self.nginx.pid:
                    workers.append(int(entry.name))
        return workers

    def kill_proxy_worker(self) -> int:
        """SIGKILL one nginx worker: its connections are cut, the master starts a new worker."""
        worker = self.nginx_workers()[0]
        os.kill(worker, signal.SIGKILL)
        return worker

    # ------------------------------------------------------------------ after a failure

    def keep_logs(self) -> Path:
        """Copies the servers' and nginx's logs where pytest's temporary-folder clean-up will not remove them."""
        kept = Path("/tmp") / f"signpost-cluster-logs-{os.getpid()}-{int(time.time())}"
        kept.mkdir(parents=True, exist_ok=True)
        for log in self.workdir.glob("*.log"):
            shutil.copy(log, kept / log.name)
        return kept

    # ------------------------------------------------------------------ stopping

    def stop(self) -> None:
        processes = [s.process for s in self.rasa + self.actions] + ([self.nginx] if self.nginx else [])
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
