#!/usr/bin/env python3
"""Fetch, start and stop a private Neo4j Community 5.26 for cancu's tests and local use.

    python scripts/neo4j_server.py fetch            # Maven Central -> ${CANCU_CACHE:-~/.cache/cancu}/neo4j-5.26.30
    python scripts/neo4j_server.py start [--state F] # free loopback port, random password, waits for Bolt
    python scripts/neo4j_server.py env   [--state F] # `export NEO4J_URI=…` lines (eval "$(… env)")
    python scripts/neo4j_server.py status|stop [--state F]

Why this route: the server tarball is not on Maven Central, but the engine is (`org.neo4j:neo4j` +
`org.neo4j:neo4j-bolt`), so a ten-line Java launcher (DatabaseManagementServiceBuilder with the
Bolt connector on, as in the Neo4j Java Reference) runs the real engine behind the real Bolt server.
Nothing here touches the repo: jars and the compiled launcher live in the cache, data in a temp dir
that `stop` deletes. Only `fetch` uses the network (Maven); every later run reuses the cache.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NoReturn

VERSION = os.environ.get("CANCU_NEO4J_VERSION", "5.26.30")
CACHE_ROOT = Path(os.environ.get("CANCU_CACHE", Path.home() / ".cache" / "cancu"))
CACHE = CACHE_ROOT / f"neo4j-{VERSION}"
DEFAULT_STATE = CACHE_ROOT / "neo4j-run" / "state.json"
USER = "neo4j"
READY = "CANCU_NEO4J_READY"
HEAP = os.environ.get("CANCU_NEO4J_HEAP", "768m")
PAGECACHE = os.environ.get("CANCU_NEO4J_PAGECACHE", "256m")

POM = f"""<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>cancu</groupId><artifactId>neo4j-launcher</artifactId><version>1</version><packaging>pom</packaging>
<dependencies>
<dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId><version>{VERSION}</version></dependency>
<dependency><groupId>org.neo4j</groupId><artifactId>neo4j-bolt</artifactId><version>{VERSION}</version></dependency>
</dependencies></project>
"""

LAUNCHER = """import java.nio.file.Path;
import java.util.Map;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/** Runs the Neo4j engine with Bolt on (settings from a neo4j.conf), sets the neo4j user's password, waits. */
public class CancuNeo4j {
    public static void main(String[] args) throws Exception {
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(Path.of(args[0]))
            .loadPropertiesFromFile(Path.of(args[1])).build();
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown));
        dbms.database("system").executeTransactionally(
            "ALTER USER neo4j SET PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", System.getenv("NEO4J_PASSWORD")));
        System.out.println("CANCU_NEO4J_READY");
        System.out.flush();
        Thread.currentThread().join();
    }
}
"""


def die(msg: str) -> NoReturn:
    print(f"neo4j_server: {msg}", file=sys.stderr)
    raise SystemExit(1)


def java_bin(tool: str = "java") -> str:
    """JAVA_HOME's tool if set (e.g. a newer JDK), else the one on PATH; exits with a one-line reason if none."""
    home = os.environ.get("JAVA_HOME")
    path = str(Path(home) / "bin" / tool) if home else shutil.which(tool)
    if not path or not Path(path).exists():
        die(f"`{tool}` not found (install a JDK 17+ or set JAVA_HOME)")
    return path


def fetch() -> Path:
    """Resolve the engine jars with Maven into the cache and compile the launcher; a no-op when cached."""
    marker = CACHE / "READY"
    if marker.exists():
        return CACHE
    mvn = shutil.which("mvn") or die("`mvn` not found (apt-get install maven)")
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "pom.xml").write_text(POM)
    t0 = time.monotonic()
    cmd = [mvn, "-B", "-q", "-f", str(CACHE / "pom.xml"), "dependency:copy-dependencies",
           "-DoutputDirectory=lib", "-DincludeScope=runtime"]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        die(f"Maven could not fetch Neo4j {VERSION}: {(res.stdout + res.stderr).strip().splitlines()[-1:]}")
    src = CACHE / "src" / "CancuNeo4j.java"
    src.parent.mkdir(exist_ok=True)
    src.write_text(LAUNCHER)
    res = subprocess.run([java_bin("javac"), "-cp", str(CACHE / "lib" / "*"), "-d", str(CACHE / "classes"), str(src)],
                         capture_output=True, text=True)
    if res.returncode != 0:
        die(f"compiling the launcher failed: {res.stderr.strip()[:500]}")
    marker.write_text(VERSION)
    print(f"fetched Neo4j {VERSION} into {CACHE} in {time.monotonic() - t0:.1f}s", file=sys.stderr)
    return CACHE


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_state(state: Path) -> dict | None:
    try:
        return json.loads(state.read_text())
    except (OSError, ValueError):
        return None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a zombie (our own exited child) is not alive
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def bolt_ok(info: dict, timeout: float = 5.0) -> str | None:
    """None if the driver can log in, else the reason."""
    try:
        from neo4j import GraphDatabase
    except ImportError:  # no driver here: fall back to a TCP check
        try:
            with socket.create_connection(("127.0.0.1", info["port"]), timeout=timeout):
                return None
        except OSError as exc:
            return str(exc)
    try:
        with GraphDatabase.driver(info["uri"], auth=(info["user"], info["password"]),
                                  connection_timeout=timeout) as driver:
            driver.verify_connectivity()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready yet"
        return f"{type(exc).__name__}: {exc}"


def start(state: Path, timeout: float, data: Path | None = None) -> dict:
    """Start a server (or reuse the one `state` describes if it still answers) and write `state`.

    `data`: keep the database there (reused if it exists, never deleted); default a fresh temp dir.
    """
    old = read_state(state)
    if old and alive(old["pid"]) and bolt_ok(old) is None:
        return old
    if old:
        stop(state, quiet=True)
    home = fetch()
    port, password = free_port(), secrets.token_urlsafe(18)
    owned = data is None
    data = Path(tempfile.mkdtemp(prefix="cancu-neo4j-")) if data is None else data.resolve()
    data.mkdir(parents=True, exist_ok=True)
    conf = data / "neo4j.conf"
    conf.write_text("\n".join([
        "server.bolt.enabled=true",
        f"server.bolt.listen_address=127.0.0.1:{port}",
        f"server.bolt.advertised_address=127.0.0.1:{port}",
        "dbms.security.auth_enabled=true",
        f"server.memory.pagecache.size={PAGECACHE}",
        "db.tx_log.rotation.retention_policy=2 files",
        "",
    ]))
    log = data / "neo4j.log"
    cmd = [java_bin(), f"-Xms{HEAP}", f"-Xmx{HEAP}", "-XX:+UseParallelGC", "-Dfile.encoding=UTF-8",
           "-cp", f"{home / 'classes'}:{home / 'lib' / '*'}", "CancuNeo4j", str(data / "home"), str(conf)]
    env = {**os.environ, "NEO4J_PASSWORD": password}
    t0 = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)
    info = {"pid": proc.pid, "port": port, "uri": f"bolt://127.0.0.1:{port}", "user": USER,
            "password": password, "data": str(data), "owned_data": owned, "log": str(log), "version": VERSION}
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps(info, indent=1))
    state.chmod(0o600)
    reason = "no answer yet"
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-5:]
            stop(state, quiet=True)
            die(f"Neo4j exited with code {proc.returncode} while starting: {' | '.join(tail)}")
        if READY in log.read_text(errors="replace") and (reason := bolt_ok(info)) is None:
            info["startup_seconds"] = round(time.monotonic() - t0, 2)
            state.write_text(json.dumps(info, indent=1))
            return info
        time.sleep(0.3)
    stop(state, quiet=True)
    die(f"Neo4j did not answer on {info['uri']} within {timeout:.0f}s ({reason}); log: {log}")


def stop(state: Path, quiet: bool = False) -> None:
    """Stop the server `state` describes and delete its data dir if `start` made it (else TERM, KILL after 30 s)."""
    info = read_state(state)
    if not info:
        if not quiet:
            print("not running")
        return
    pid = info["pid"]
    if alive(pid):  # a throwaway database is deleted anyway: no need for a clean shutdown
        os.kill(pid, signal.SIGKILL if info.get("owned_data") else signal.SIGTERM)
        deadline = time.monotonic() + 30
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    try:  # reap if it is our child (same process started it)
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    if info.get("owned_data") and "cancu-neo4j-" in info.get("data", ""):  # only a temp dir `start` made
        shutil.rmtree(info["data"], ignore_errors=True)
    state.unlink(missing_ok=True)
    if not quiet:
        print(f"stopped Neo4j (pid {pid})")


def env_lines(info: dict) -> str:
    return "\n".join(f"export {k}={v}" for k, v in
                     (("NEO4J_URI", info["uri"]), ("NEO4J_USER", info["user"]), ("NEO4J_PASSWORD", info["password"])))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["fetch", "start", "stop", "status", "env"])
    ap.add_argument("--state", type=Path, default=Path(os.environ.get("CANCU_NEO4J_STATE", DEFAULT_STATE)),
                    help="JSON file with pid, uri, user, password (default %(default)s)")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for Bolt on start")
    ap.add_argument("--data", type=Path, help="start: database directory to use and keep (default: a temp dir)")
    ap.add_argument("--json", action="store_true", help="start/status: print the state as JSON")
    args = ap.parse_args(argv)
    if args.command == "fetch":
        print(fetch())
    elif args.command == "start":
        info = start(args.state, args.timeout, args.data)
        print(json.dumps(info) if args.json else env_lines(info))
    elif args.command == "stop":
        stop(args.state)
    else:
        info = read_state(args.state)
        running = bool(info) and alive(info["pid"]) and bolt_ok(info) is None
        if args.command == "env":
            if not running:
                die("not running (run `start` first)")
            print(env_lines(info))
        elif args.json:
            print(json.dumps({"running": running, **(info or {})}))
        else:
            print(f"running at {info['uri']} (pid {info['pid']})" if running else "not running")
            return 0 if running else 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
