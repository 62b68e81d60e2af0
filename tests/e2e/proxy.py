"""nginx in front of app processes, configured from deploy/nginx-vielfaltsmonitor.conf itself.

`NginxProxy(upstream_ports, log_dir)` runs Debian's nginx as a foreground process with its own
prefix directory (no root, nothing in /etc/nginx or /var/log touched) and a configuration made
from the deploy file: its upstream (with the test's ports), its maps, and its HTTPS server's
application part (everything from the "--- app:" marker on: upload limit, security headers, the
route cookie, both locations) copied verbatim, so what the tests check is the documented
configuration. It serves that application part three times on free loopback ports:

- `.url`: plain HTTP. TLS needs a certificate the client trusts; a load test or a test with
  urllib should not have to care. Everything but the TLS lines is the same as on HTTPS (the HSTS
  header is sent over HTTP too here, where browsers ignore it).
- `.https_url`: the deploy file's TLS server with its TLS lines (protocols, session settings), a
  self-signed certificate for 127.0.0.1 generated with `cryptography` in place of the
  placeholders (clients must skip verification).
- `.redirect_url`: the deploy file's plain-HTTP server, which only redirects to HTTPS.

`access_log` is written in the format `ACCESS_FORMAT` (client, request, status, the upstream that
answered, the route key), so a test can see which app process served which request.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import pwd
import re
import shutil
import subprocess
import urllib.request
from collections import defaultdict
from pathlib import Path

from tests.e2e.conftest import REPO, free_port, stop_process, wait_until_answers

DEPLOY_CONF = REPO / "deploy" / "nginx-vielfaltsmonitor.conf"
APP_MARKER = "# --- app:"
# one line per request: <client> <upstream> <status> route=<route key> "<request line>"
ROUTE_COOKIE = "vielfalt_route"  # the deploy file sets it (add_header) and hashes it
ACCESS_FORMAT = '$remote_addr $upstream_addr $status route=$vielfalt_route "$request"'


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (str(p) for p in (Path("/usr/sbin/nginx"),) if p.exists()), None
    )


def _blocks(text: str) -> list[tuple[str, str]]:
    """The top-level blocks of an nginx file as (header, body): `upstream x`, `map $a $b`,
    `server`. Comments are dropped from the headers, bodies are kept raw (with comments)."""
    blocks = []
    depth = 0
    header_start = 0
    body_start = 0
    header = ""
    for index, char in enumerate(text):
        if char == "{":
            if depth == 0:
                header = re.sub(r"#[^\n]*", "", text[header_start:index]).strip()
                body_start = index + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                blocks.append((header, text[body_start:index]))
                header_start = index + 1
    return blocks


def _listens(body: str) -> list[str]:
    return re.findall(r"^\s*listen\s+([^;]+);", body, flags=re.MULTILINE)


def _without(body: str, *directives: str) -> str:
    pattern = r"^\s*(?:" + "|".join(directives) + r")\s[^;]*;[^\n]*\n"
    return re.sub(pattern, "", body, flags=re.MULTILINE)


class DeployConf:
    """The parts of deploy/nginx-vielfaltsmonitor.conf the test configuration is made of."""

    def __init__(self, path: Path = DEPLOY_CONF):
        blocks = _blocks(path.read_text())
        upstreams = [(h, b) for h, b in blocks if h.startswith("upstream ")]
        assert len(upstreams) == 1, f"{path}: one upstream block expected"
        self.upstream_name = upstreams[0][0].split()[1]
        self.upstream_body = upstreams[0][1]
        self.maps = [f"{h} {{{b}}}" for h, b in blocks if h.startswith("map ")]
        servers = [b for h, b in blocks if h == "server"]
        tls = [b for b in servers if any(" ssl" in f" {x}" for x in _listens(b))]
        plain = [b for b in servers if b not in tls]
        assert len(tls) == 1 and len(plain) == 1, f"{path}: one HTTPS and one HTTP server expected"
        head, marker, app = tls[0].partition(APP_MARKER)
        assert marker, f"{path}: the HTTPS server has no line {APP_MARKER!r}"
        # the TLS settings without listen, server_name and the placeholder certificate
        self.tls = _without(head, "listen", "server_name", "ssl_certificate", "ssl_certificate_key")
        self.listen_options = " ".join(
            word for word in _listens(tls[0])[0].split()[1:] if word in ("ssl", "http2")
        )
        self.app = app.split("\n", 1)[1]  # from the line after the marker
        self.redirect = _without(plain[0], "listen", "server_name")

    def upstream(self, ports: list[int]) -> str:
        body = _without(self.upstream_body, "server")
        servers = "".join(f"    server 127.0.0.1:{port};\n" for port in ports)
        return f"upstream {self.upstream_name} {{{body.rstrip()}\n{servers}}}"


def write_self_signed(cert: Path, key: Path) -> None:
    """A certificate for 127.0.0.1 and localhost, valid for a day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key.chmod(0o600)


class NginxProxy:
    """nginx on 127.0.0.1 in front of the app processes on `upstream_ports` (see the module
    docstring); its configuration, logs and temp files in `log_dir`. Started and answering
    `/_stcore/health` when the constructor returns; `stop()` ends it."""

    def __init__(self, upstream_ports: list[int], log_dir: Path, *, https_port: int | None = None):
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is missing (apt-get install nginx)")
        self.dir = log_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (log_dir / f"{temp}_temp").mkdir(exist_ok=True)
        # https_port for a caller that must know it first (a login's redirect_uri names it)
        self.port, self.redirect_port = free_port(), free_port()
        self.https_port = https_port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.https_url = f"https://127.0.0.1:{self.https_port}"
        self.redirect_url = f"http://127.0.0.1:{self.redirect_port}"
        self.error_log = log_dir / "error.log"
        self.access_log = log_dir / "access.log"
        cert, key = log_dir / "cert.pem", log_dir / "key.pem"
        write_self_signed(cert, key)
        self.conf = log_dir / "nginx.conf"
        self.conf.write_text(self._config(DeployConf(), upstream_ports, cert, key))
        self._output = (log_dir / "nginx.out").open("w")
        self.process = subprocess.Popen(
            [
                binary,
                "-p",
                str(log_dir),
                "-c",
                str(self.conf),
                "-e",
                str(self.error_log),
                "-g",
                f"daemon off; pid {log_dir / 'nginx.pid'};",
            ],
            stdout=self._output,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_healthy()

    def _config(self, deploy: DeployConf, ports: list[int], cert: Path, key: Path) -> str:
        d = self.dir
        # as root the workers would run as "nobody", who may not enter the test's temp dirs
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
        maps = "\n".join(deploy.maps)
        return f"""# generated by tests/e2e/proxy.py from {DEPLOY_CONF.relative_to(REPO)}
{user}worker_processes 1;
error_log {self.error_log} info;
events {{
    worker_connections 512;
}}
http {{
    log_format vielfalt_test '{ACCESS_FORMAT}';
    access_log {self.access_log} vielfalt_test;
    client_body_temp_path {d / "client_body_temp"};
    proxy_temp_path {d / "proxy_temp"};
    fastcgi_temp_path {d / "fastcgi_temp"};
    uwsgi_temp_path {d / "uwsgi_temp"};
    scgi_temp_path {d / "scgi_temp"};

{deploy.upstream(ports)}

{maps}

# plain HTTP: the deploy file's application part without TLS
server {{
    listen 127.0.0.1:{self.port};
    server_name localhost;
{deploy.app}
}}

# the deploy file's HTTPS server, with a self-signed certificate
server {{
    listen 127.0.0.1:{self.https_port} {deploy.listen_options};
    server_name localhost;
    ssl_certificate {cert};
    ssl_certificate_key {key};
{deploy.tls}
{deploy.app}
}}

# the deploy file's HTTP server: redirects only
server {{
    listen 127.0.0.1:{self.redirect_port};
    server_name localhost;
{deploy.redirect}
}}
}}
"""

    def _wait_until_healthy(self) -> None:
        try:
            wait_until_answers(self.process, f"{self.url}/_stcore/health", self.error_log, "nginx")
        except RuntimeError:
            self.stop()
            raise

    def upstreams_by_route(self) -> dict[str, set[str]]:
        """From the access log: route key -> the app processes ("127.0.0.1:port") that
        answered it."""
        seen: dict[str, set[str]] = defaultdict(set)
        for line in self.access_log.read_text().splitlines():
            found = re.match(r"\S+ (\S+) \d+ route=(\S+) ", line)
            if found and found[1] != "-":
                seen[found[2]].add(found[1])
        return seen

    def route_key_to(self, port: int) -> str:
        """A route key that the consistent hash sends to the app process on `port`."""
        for n in range(64):
            key = f"to{port}x{n}"
            request = urllib.request.Request(
                self.url + "/_stcore/health", headers={"Cookie": f"{ROUTE_COOKIE}={key}"}
            )
            urllib.request.urlopen(request).close()
            if self.upstreams_by_route().get(key) == {f"127.0.0.1:{port}"}:
                return key
        raise AssertionError(f"no route key among 64 leads to port {port}")

    def route_cookie(self, key: str) -> dict[str, object]:
        """The route cookie for a browser context (Playwright's add_cookies), as nginx sets it."""
        return {
            "name": ROUTE_COOKIE,
            "value": key,
            "url": self.https_url,
            "secure": True,
            "httpOnly": True,
        }

    def log_tail(self) -> str:
        parts = [p.read_text()[-2000:] for p in (self.error_log,) if p.exists()]
        return "\n".join(parts)

    def stop(self) -> None:
        if self.process.poll() is None:
            stop_process(self.process)  # SIGTERM: nginx's fast shutdown
        self._output.close()
