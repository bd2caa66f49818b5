"""Issue 20 §6: what ``deploy/`` gives an operator agrees with the code.

- ``deploy/.env.example`` lists exactly the environment variables the settings read.
- The systemd units start commands that exist, with the production settings and the environment
  file, and the web unit binds where the proxy sends.
- The nginx configuration serves nothing from disk but static files (never the private store nor the
  attachments), sets the headers the application trusts, and lets a request as large as the
  application accepts through; ``nginx -t`` accepts it where nginx is installed.
"""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
# os.environ reads, and ``env.get`` in the functions the settings pass the environment to (core.s3).
READ = re.compile(
    r'os\.environ(?:\.get)?\(\s*"([A-Z_]+)"|os\.environ\["([A-Z_]+)"\]|_required\(\s*"([A-Z_]+)"'
    r'|\benv\.get\(\s*"([A-Z_0-9]+)"'
)


def variables_read() -> set[str]:
    names: set[str] = set()
    for path in [*(ROOT / "config").rglob("*.py"), *(ROOT / "gongkai").rglob("*.py")]:
        for match in READ.finditer(path.read_text(encoding="utf-8")):
            names.add(next(g for g in match.groups() if g))
    return names - {"DJANGO_SETTINGS_MODULE"}  # set by the units themselves


def test_the_environment_example_lists_every_variable_read() -> None:
    listed = {
        line.split("=", 1)[0]
        for line in (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    }
    read = variables_read()
    assert "DATABASE_URL" in read and "DJANGO_SECRET_KEY" in read  # the scan finds them
    assert read - listed == set(), "read by the settings but not in deploy/.env.example"
    assert listed - read == set(), "in deploy/.env.example but read by nothing"


def unit(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / name)
    return parser["Service"]


@pytest.mark.parametrize(
    ("name", "command"),
    [("gongkai-worker.service", "db_worker"), ("gongkai-scheduler.service", "jobs_scheduler")],
)
def test_the_job_units_run_commands_that_exist(name: str, command: str) -> None:
    service = unit(name)
    argv = shlex.split(service["ExecStart"])
    assert argv[1:3] == ["manage.py", command] and command in get_commands()
    assert service["EnvironmentFile"] == "/etc/gongkai/gongkai.env"
    assert service["Environment"] == "DJANGO_SETTINGS_MODULE=config.settings.production"
    assert service["Restart"] == "always"


def test_the_web_unit_serves_the_wsgi_application_where_the_proxy_sends() -> None:
    service = unit("gongkai-web.service")
    argv = shlex.split(service["ExecStart"])
    assert argv[0].endswith("gunicorn") and argv[1] == "config.wsgi" == settings.WSGI_APPLICATION.rsplit(".", 1)[0]
    bind = argv[argv.index("-b") + 1]
    conf = (DEPLOY / "nginx" / "gongkai.conf").read_text(encoding="utf-8")
    assert re.search(rf"server {re.escape(bind)}\b", conf), "the proxy's upstream is the unit's bind address"


def test_the_proxy_serves_only_static_files_from_disk() -> None:
    conf = (DEPLOY / "nginx" / "gongkai.conf").read_text(encoding="utf-8")
    code = "\n".join(line.split("#", 1)[0] for line in conf.splitlines())
    served = re.findall(r"^\s*(?:alias|root)\s+([^;]+);", code, flags=re.M)
    assert served == ["/srv/gongkai/var/static/"]
    assert "private" not in code and "/media" not in code
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in code
    assert "proxy_set_header X-Request-ID $request_id;" in code
    size = re.search(r"client_max_body_size\s+(\d+)m;", code)
    assert size is not None and int(size.group(1)) * 1024 * 1024 >= settings.GONGKAI_MAX_REQUEST_BYTES
    assert re.search(r"listen 443 ssl", code) and "return 301 https://" in code


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed here (the static checks above still run)")
def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=test", "-days", "1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (DEPLOY / "nginx" / "gongkai.conf").read_text(encoding="utf-8")
    site = site.replace("/etc/ssl/gongkai/fullchain.pem", str(cert)).replace("/etc/ssl/gongkai/privkey.pem", str(key))
    site = site.replace("listen 80;", "listen 127.0.0.1:18080;").replace("listen 443 ssl", "listen 127.0.0.1:18443 ssl")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}} "
        f"http {{ access_log off; include {tmp_path}/site.conf; }}"
    )
    done = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
