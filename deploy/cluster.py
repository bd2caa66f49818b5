"""A production-shaped cluster on one machine (issue 20 §4), for the demonstration and for
``bench/cluster.py``:

- PostgreSQL 15: a primary (port 5440) and a streaming replica of it (port 5441), each its own
  cluster under ``--dir``;
- Redis (6390): cache, sessions' counters, rate limits;
- two gunicorn servers (8101, 8102) with the production settings, behind HAProxy (8100), which
  checks ``/healthz`` every second, queues what the servers' threads cannot take yet, and sets
  ``X-Request-ID``;
- one job worker (``db_worker``) and the job scheduler;
- an SMTP server (2525) that keeps every mail in a Maildir, so what was sent can be counted.

Files are shared by the two servers through one folder (``GONGKAI_VAR_DIR``). Run as root (it runs
PostgreSQL as the ``postgres`` user); ``make cluster-demo`` starts it and keeps it up until Ctrl-C.
It installs HAProxy with apt-get when it is missing.

    python deploy/cluster.py up [--dir /var/tmp/gongkai-cluster]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PRIMARY, REPLICA, REDIS, SMTP, BALANCER = 5440, 5441, 6390, 2525, 8100
SERVERS = (8101, 8102)
HAPROXY_CFG = """global
    maxconn 2000
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout queue 30s
    timeout check 5s
    # A server that refuses the connection (killed, restarting): try another at once.
    retries 2
    option redispatch 1
    option httpchk GET /healthz
    unique-id-format %{{+X}}o\\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid
frontend public
    bind 127.0.0.1:{balancer}
    http-request set-header X-Request-ID %[unique-id]
    default_backend django
backend django
    balance roundrobin
    # A server takes at most as many requests as it has threads; the rest wait here, so its health
    # check is answered even when the public keeps every thread busy.
    # A connection refused marks a server down at once (observe layer4), before its next check.
    default-server inter 1s fall 2 rise 2 maxconn 12 observe layer4 error-limit 1 on-error mark-down
{servers}
"""


def run_as_postgres(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    command = ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


@dataclass
class Cluster:
    base: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def run_dir(self) -> Path:
        return self.base / "run"

    @property
    def maildir(self) -> Path:
        return self.base / "mail"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "cluster-demo-not-a-secret-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "GONGKAI_SSL_REDIRECT": "0",  # plain HTTP on loopback; production sits behind TLS
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PRIMARY}/gongkai",
            "DATABASE_REPLICA_URLS": f"postgres://postgres@127.0.0.1:{REPLICA}/gongkai",
            "GONGKAI_REDIS_URL": f"redis://127.0.0.1:{REDIS}/0",
            "GONGKAI_TRUSTED_PROXIES": "127.0.0.1",
            "GONGKAI_VAR_DIR": str(self.base / "var"),
            "GONGKAI_PUBLIC_URL": f"http://127.0.0.1:{BALANCER}",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(SMTP),
            # The load comes from one address and submits at once: lift the per-address limits and
            # the minimum time on a form for the demonstration only.
            "GONGKAI_APPLY_RATE_PER_HOUR": "1000000000",
            "GONGKAI_TRACK_FAILURES_PER_HOUR": "1000000000",
            "GONGKAI_FORM_MIN_SECONDS": "0",
        }

    # --- PostgreSQL -----------------------------------------------------------------------------

    def _pg(self, name: str) -> Path:
        return self.base / f"pg-{name}"

    def _pg_start(self, name: str, port: int) -> None:
        run_as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self._pg(name)),
            "-l",
            str(self.base / f"pg-{name}.log"),
            "-o",
            f"-p {port} -k {self.run_dir} -c listen_addresses=127.0.0.1",
            "-w",
            "start",
        )

    def pg_stop(self, name: str) -> None:
        run_as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self._pg(name)), "-m", "fast", "-w", "stop")

    def pg_start(self, name: str) -> None:
        self._pg_start(name, PRIMARY if name == "primary" else REPLICA)

    def databases(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        self.run_dir.mkdir(exist_ok=True)
        if os.geteuid() == 0:  # PostgreSQL runs as postgres and writes its clusters and sockets here
            shutil.chown(self.base, "postgres")
            shutil.chown(self.run_dir, "postgres")
        primary = self._pg("primary")
        run_as_postgres(str(PG_BIN / "initdb"), "-D", str(primary), "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n")
        with (primary / "pg_hba.conf").open("a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self._pg_start("primary", PRIMARY)
        run_as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(PRIMARY), "gongkai")
        run_as_postgres(
            str(PG_BIN / "pg_basebackup"),
            "-h", "127.0.0.1", "-p", str(PRIMARY), "-D", str(self._pg("replica")), "-R", "-X", "stream",
            "--checkpoint=fast",  # not the next scheduled checkpoint, minutes away
        )  # fmt: skip
        self._pg_start("replica", REPLICA)

    # --- the rest -------------------------------------------------------------------------------

    def spawn(self, name: str, command: list[str], *, nice: int = 0) -> None:
        log = (self.base / f"{name}.log").open("ab")
        if nice:
            command = ["nice", "-n", str(nice), *command]
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def server(self, port: int) -> None:
        gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
        control = str(self.run_dir / f"gunicorn-{port}.ctl")  # each server its own control socket
        command = [gunicorn, "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "3", "-k", "gthread", "--threads", "4"]
        command += ["--control-socket", control]
        self.spawn(f"gunicorn-{port}", command)

    def worker(self) -> None:
        # As the systemd unit does (Nice=10): on a machine shared with web servers, jobs (rendering
        # PDFs in Chromium above all) take the CPU the requests leave.
        self.spawn("worker", [PY, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"], nice=10)

    def kill9(self, name: str) -> None:
        """Kill a server or the worker with -9, its child processes too (a machine that dies)."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def up(self) -> None:
        if self.base.exists():
            self.down()
            shutil.rmtree(self.base)
        if not shutil.which("haproxy"):
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "haproxy"], check=True)
        self.databases()  # the SMTP server creates its Maildir itself
        self.spawn(
            "redis",
            ["redis-server", "--bind", "127.0.0.1", "--port", str(REDIS), "--save", "", "--appendonly", "no"],
        )
        self.spawn(
            "smtp",
            [
                PY,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{SMTP}",
                "-c",
                "aiosmtpd.handlers.Mailbox",
                str(self.maildir),
            ],
        )
        env = self.env()
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([PY, "manage.py", "load_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
        for port in SERVERS:
            self.server(port)
        self.worker()
        self.spawn("scheduler", [PY, "manage.py", "jobs_scheduler", "--interval", "2"])
        servers = "\n".join(f"    server s{port} 127.0.0.1:{port} check" for port in SERVERS)
        (self.base / "haproxy.cfg").write_text(HAPROXY_CFG.format(balancer=BALANCER, servers=servers))
        self.spawn("haproxy", ["haproxy", "-db", "-f", str(self.base / "haproxy.cfg")])
        for port in SERVERS:
            wait_for(f"http://127.0.0.1:{port}/healthz")
        wait_for(f"http://127.0.0.1:{BALANCER}/healthz")

    def down(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()
        for name in ("replica", "primary"):
            if (self._pg(name) / "postmaster.pid").exists():
                with contextlib.suppress(subprocess.CalledProcessError):
                    self.pg_stop(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["up"])
    parser.add_argument("--dir", default="/var/tmp/gongkai-cluster")
    args = parser.parse_args()
    cluster = Cluster(Path(args.dir))
    try:
        cluster.up()
        print(
            f"Cluster up: http://127.0.0.1:{BALANCER}/ (HAProxy) → gunicorn {SERVERS}; PostgreSQL primary "
            f"{PRIMARY}, replica {REPLICA}; Redis {REDIS}; mail kept in {cluster.maildir}. Ctrl-C stops it."
        )
        # Blocked only now: the processes started above must not inherit a mask that ignores SIGTERM.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        cluster.down()
    return 0


if __name__ == "__main__":
    sys.exit(main())
