"""A local SolrCloud for development and tests: ZooKeeper and N Solr nodes, each a separate
Java process on 127.0.0.1 with its own data folder, started from the launcher in
solr/launcher (built with Maven from Maven Central's artifacts).

    python -m solr.cluster start [--nodes 2] [--port 8983] [--zk-port 9983] [--dir DIR]
    python -m solr.cluster stop|status [--dir DIR]
    python -m solr.cluster kill|restart NODE [--dir DIR]     (NODE: 0, 1, ...)

The run folder (default instance/solr, or $MISSIVE_SOLR_DIR) holds `zookeeper/` (its data
and log), `node-<port>/` (each node's cores and log) and `cluster.json`, the state file
with every process's PID: `stop` ends exactly those processes, and only after checking
that each PID still runs this cluster's Java class from this run folder.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

LAUNCHER = Path(__file__).resolve().parent / "launcher"
CLASSPATH = LAUNCHER / "target" / "classpath.txt"
CLASSES = LAUNCHER / "target" / "classes"
BUILT = LAUNCHER / "target" / "built"  # touched after each successful build
STATE = "cluster.json"
NODE_CLASS = "missive.solr.SolrNode"
ZK_CLASS = "org.apache.zookeeper.server.ZooKeeperServerMain"
DEFAULT_DIR = "instance/solr"
DEFAULT_PORT = 8983
DEFAULT_ZK_PORT = 9983
# Each node's heap; MISSIVE_SOLR_HEAP overrides it, MISSIVE_SOLR_JAVA_OPTS adds options.
DEFAULT_HEAP = "512m"
START_TIMEOUT = 180.0  # seconds for ZooKeeper and every node to come up (2 shared cores)
STOP_TIMEOUT = 30.0  # seconds a process has after SIGTERM before SIGKILL

# Children started by this Python process, by PID: polled (and so reaped) rather than
# signalled with 0, which also succeeds on a zombie.
_children: dict[int, subprocess.Popen] = {}


class ClusterError(RuntimeError):
    """The cluster could not be built, started or reached; the message says which part."""


@dataclass
class Node:
    port: int
    home: str
    pid: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/solr"

    @property
    def name(self) -> str:
        """The node's name in ZooKeeper's live_nodes."""
        return f"127.0.0.1:{self.port}_solr"


@dataclass
class Cluster:
    run_dir: str
    zk_port: int
    zk_pid: int = 0
    nodes: list[Node] = field(default_factory=list)

    @property
    def zk_host(self) -> str:
        return f"127.0.0.1:{self.zk_port}"

    @property
    def urls(self) -> list[str]:
        return [n.url for n in self.nodes]

    @property
    def state_file(self) -> Path:
        return Path(self.run_dir) / STATE

    def save(self) -> None:
        data = asdict(self)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        tmp.replace(self.state_file)

    @classmethod
    def load(cls, run_dir: str | Path) -> Cluster | None:
        path = Path(run_dir).resolve() / STATE
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        data["nodes"] = [Node(**n) for n in data["nodes"]]
        return cls(**data)


# --- building the launcher -------------------------------------------------------------


def _stale() -> bool:
    if not (CLASSPATH.exists() and BUILT.exists()):
        return True
    built = BUILT.stat().st_mtime
    sources = [LAUNCHER / "pom.xml", *(LAUNCHER / "src").rglob("*")]
    return any(p.is_file() and p.stat().st_mtime > built for p in sources)


def build(force: bool = False) -> str:
    """The launcher's class path, compiling it first when its pom or sources are newer.

    Maven runs offline when ~/.m2 already holds every artifact, else it fetches them from
    Maven Central (the first build on a machine)."""
    if force or _stale():
        mvn = shutil.which("mvn")
        if not mvn:
            raise ClusterError(
                "mvn: not found; the local SolrCloud needs Maven and Java 17 "
                "(make system-deps installs them as root)"
            )
        base = [mvn, "-q", "-B", "-f", str(LAUNCHER / "pom.xml"), "compile"]
        if subprocess.run([*base[:2], "-o", *base[2:]], capture_output=True).returncode:
            done = subprocess.run(base, capture_output=True, text=True)
            if done.returncode:
                tail = (done.stdout + done.stderr).strip().splitlines()[-15:]
                raise ClusterError(
                    f"{LAUNCHER / 'pom.xml'}: Maven build failed:\n" + "\n".join(tail)
                )
        BUILT.touch()
    return f"{CLASSES}{os.pathsep}{CLASSPATH.read_text(encoding='utf-8').strip()}"


# --- processes -------------------------------------------------------------------------


def _java() -> str:
    java = shutil.which("java")
    if not java:
        raise ClusterError(
            "java: not found; the local SolrCloud needs Java 17 "
            "(make system-deps installs it as root)"
        )
    return java


def _spawn(args: list[str], log: Path) -> int:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        # A session of its own: Ctrl-C in the terminal that ran `make solr` does not reach
        # the cluster, which lives until `make solr-stop`.
        proc = subprocess.Popen(
            args,
            cwd=log.parent,  # whatever a process writes beside itself stays in its folder
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _children[proc.pid] = proc
    return proc.pid


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", "replace")


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid in _children:
        return _children[pid].poll() is None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _ours(pid: int, cluster: Cluster, marker: str) -> bool:
    """Whether `pid` still runs this cluster's process (not a reused PID)."""
    line = _cmdline(pid)
    return _alive(pid) and marker in line and str(Path(cluster.run_dir)) in line


def _java_opts() -> list[str]:
    heap = os.environ.get("MISSIVE_SOLR_HEAP", DEFAULT_HEAP)
    extra = os.environ.get("MISSIVE_SOLR_JAVA_OPTS", "").split()
    return [f"-Xms{heap}", f"-Xmx{heap}", "-XX:+ExitOnOutOfMemoryError", *extra]


def _start_zookeeper(cluster: Cluster, classpath: str) -> None:
    zk_dir = Path(cluster.run_dir) / "zookeeper"
    (zk_dir / "data").mkdir(parents=True, exist_ok=True)
    cfg = zk_dir / "zoo.cfg"
    # Loopback only, no admin web server (it would take port 8080), and a data folder
    # that may hold logs without a snapshot after a kill -9.
    cfg.write_text(
        "tickTime=2000\n"
        f"dataDir={zk_dir / 'data'}\n"
        f"clientPort={cluster.zk_port}\n"
        "clientPortAddress=127.0.0.1\n"
        "admin.enableServer=false\n"
        "maxClientCnxns=0\n"
        "snapshot.trust.empty=true\n",
        encoding="utf-8",
    )
    args = [_java(), "-Xmx128m", "-cp", classpath, ZK_CLASS, str(cfg)]
    cluster.zk_pid = _spawn(args, zk_dir / "zookeeper.log")


def _start_node(cluster: Cluster, node: Node, classpath: str) -> None:
    home = Path(node.home)
    args = [
        _java(),
        *_java_opts(),
        f"-Dsolr.log.dir={home}",
        f"-Dmissive.solr.log.level={os.environ.get('MISSIVE_SOLR_LOG_LEVEL', 'WARN')}",
        "-cp",
        classpath,
        NODE_CLASS,
        str(home),
        str(node.port),
        cluster.zk_host,
    ]
    node.pid = _spawn(args, home / "node.log")


def _log_tail(path: Path, lines: int = 12) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_ports(count: int) -> list[int]:
    """`count` loopback ports free now (for tests that must not clash with `make solr`)."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def request_json(
    url: str, body: bytes | None = None, content_type: str = "application/json",
    timeout: float = 120.0,
) -> dict:
    """One request to Solr (a POST of `body` when given); its JSON answer. ClusterError with
    Solr's own message when Solr says the request failed."""
    req = urllib.request.Request(url, data=body)
    if body is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as err:
        raw = err.read()
        try:
            error = json.loads(raw).get("error", {})
            message = error.get("msg") or error.get("trace", "")[:300]
        except ValueError:
            message = raw[:300].decode("utf-8", "replace")
        raise ClusterError(f"{url.split('?')[0]}: HTTP {err.code}: {message}") from None


def live_nodes(url: str) -> list[str]:
    """The live node names ZooKeeper knows, asked of the node at `url`."""
    status = request_json(f"{url}/admin/collections?action=CLUSTERSTATUS&wt=json", timeout=10)
    return sorted(status.get("cluster", {}).get("live_nodes", []))


def _healthy(node: Node) -> bool:
    """Whether the node's own process answers that it is up and live in ZooKeeper (a
    killed node's name can stay in live_nodes until its ZooKeeper session expires)."""
    if not _port_open(node.port):
        return False
    try:
        return request_json(f"{node.url}/admin/info/health?wt=json", timeout=10)["status"] == "OK"
    except (OSError, ClusterError, ValueError, KeyError):
        return False


def wait_live(cluster: Cluster, timeout: float = START_TIMEOUT) -> None:
    """Wait until every running node of the cluster answers healthy and ZooKeeper lists
    exactly those nodes as live; ClusterError naming a node whose process died, or what
    was still missing."""
    running = [n for n in cluster.nodes if n.pid]
    want = sorted(n.name for n in running)
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while time.monotonic() < deadline:
        for node in running:
            if not _alive(node.pid):
                log = Path(node.home) / "node.log"
                raise ClusterError(
                    f"Solr node {node.url} (pid {node.pid}) exited while starting; "
                    f"{log} ends:\n{_log_tail(log)}"
                )
        if all(_healthy(n) for n in running):
            try:
                seen = live_nodes(running[0].url)
            except (OSError, ClusterError, ValueError):
                seen = []
            if seen == want:
                return
        time.sleep(0.5)
    raise ClusterError(
        f"SolrCloud at {cluster.zk_host}: live nodes {seen} after {timeout:.0f} s; "
        f"expected {want} (logs in {cluster.run_dir})"
    )


def start(
    run_dir: str | Path = DEFAULT_DIR,
    nodes: int = 2,
    port: int = DEFAULT_PORT,
    zk_port: int | None = None,
    ports: list[int] | None = None,
    timeout: float = START_TIMEOUT,
) -> Cluster:
    """Start ZooKeeper and `nodes` Solr nodes (on `ports`, else port, port+1, ...; ZooKeeper
    on zk_port, else port+1000) with their data under `run_dir`, and wait until every node
    is live. A cluster already running from `run_dir` is kept, its stopped nodes started
    again."""
    run = Path(run_dir).resolve()
    running = Cluster.load(run)
    if running and running.zk_pid and _ours(running.zk_pid, running, ZK_CLASS):
        down = [i for i, n in enumerate(running.nodes) if not _ours(n.pid, running, NODE_CLASS)]
        for index in down:
            running.nodes[index].pid = 0
        if down:
            restart_nodes(running, down, timeout)
        return running
    ports = list(ports or range(port, port + nodes))
    zk_port = zk_port or ports[0] + 1000
    busy = [p for p in (zk_port, *ports) if not _port_free(p)]
    if busy:
        raise ClusterError(
            f"ports {busy} on 127.0.0.1 are in use; choose others (--port, --zk-port)"
        )
    classpath = build()
    run.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(
        run_dir=str(run),
        zk_port=zk_port,
        nodes=[Node(port=p, home=str(run / f"node-{p}")) for p in ports],
    )
    try:
        _start_zookeeper(cluster, classpath)
        cluster.save()
        deadline = time.monotonic() + timeout
        while not _port_open(zk_port):
            if not _alive(cluster.zk_pid) or time.monotonic() > deadline:
                log = run / "zookeeper" / "zookeeper.log"
                raise ClusterError(
                    f"ZooKeeper on 127.0.0.1:{zk_port} did not start; {log} ends:\n"
                    f"{_log_tail(log)}"
                )
            time.sleep(0.2)
        for node in cluster.nodes:
            _start_node(cluster, node, classpath)
        cluster.save()
        wait_live(cluster, timeout=max(1.0, deadline - time.monotonic()))
    except BaseException:
        stop(cluster)
        raise
    return cluster


def _end(pids: list[int], timeout: float) -> None:
    """SIGTERM each PID, wait up to `timeout`, then SIGKILL what is left and reap it."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + timeout
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in pids:
        if _alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    for pid in pids:
        proc = _children.pop(pid, None)
        if proc is not None:
            proc.wait()
    while any(_alive(p) for p in pids):
        time.sleep(0.1)


def stop(cluster: Cluster | str | Path = DEFAULT_DIR, timeout: float = STOP_TIMEOUT) -> list[int]:
    """Stop every process of the cluster by its recorded PID (the nodes first, then
    ZooKeeper); the PIDs it ended. Data folders stay for the next start."""
    if not isinstance(cluster, Cluster):
        loaded = Cluster.load(cluster)
        if loaded is None:
            return []
        cluster = loaded
    nodes = [n.pid for n in cluster.nodes if n.pid and _ours(n.pid, cluster, NODE_CLASS)]
    _end(nodes, timeout)
    zk = [cluster.zk_pid] if cluster.zk_pid and _ours(cluster.zk_pid, cluster, ZK_CLASS) else []
    _end(zk, timeout)
    for node in cluster.nodes:
        node.pid = 0
    cluster.zk_pid = 0
    if Path(cluster.run_dir).exists():
        cluster.save()
    return nodes + zk


def kill_node(cluster: Cluster, index: int) -> int:
    """`kill -9` node `index` (as a crash would end it); its PID."""
    node = cluster.nodes[index]
    pid = node.pid
    if not _ours(pid, cluster, NODE_CLASS):
        raise ClusterError(f"Solr node {node.url} is not running (pid {pid})")
    os.kill(pid, signal.SIGKILL)
    proc = _children.pop(pid, None)
    if proc is not None:
        proc.wait()
    while _alive(pid):
        time.sleep(0.05)
    node.pid = 0
    cluster.save()
    return pid


def restart_node(cluster: Cluster, index: int, timeout: float = START_TIMEOUT) -> Node:
    """Start node `index` again on its port and data folder; wait until it is live."""
    return restart_nodes(cluster, [index], timeout)[0]


def restart_nodes(
    cluster: Cluster, indexes: list[int], timeout: float = START_TIMEOUT
) -> list[Node]:
    """Start the nodes `indexes` again, side by side; wait until every one is live."""
    nodes = [cluster.nodes[i] for i in indexes]
    for node in nodes:
        if node.pid and _alive(node.pid):
            raise ClusterError(f"Solr node {node.url} is still running (pid {node.pid})")
    classpath = build()
    for node in nodes:
        _start_node(cluster, node, classpath)
    cluster.save()
    wait_live(cluster, timeout=timeout)
    return nodes


def describe(cluster: Cluster) -> str:
    lines = [f"ZooKeeper  {cluster.zk_host}  (pid {cluster.zk_pid})"]
    for n in cluster.nodes:
        lines.append(f"Solr node  {n.url}  (pid {n.pid}, data {n.home})")
    lines.append(f"State file {cluster.state_file}")
    return "\n".join(lines)


def as_command(main: Callable[[], int]) -> int:
    """Run a command line's `main`: a ClusterError is one line on stderr and status 1."""
    try:
        return main()
    except ClusterError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m solr.cluster", description=__doc__)
    parser.add_argument("command", choices=["start", "stop", "status", "kill", "restart", "build"])
    parser.add_argument("node", nargs="?", type=int, help="node number for kill and restart")
    parser.add_argument("--dir", default=os.environ.get("MISSIVE_SOLR_DIR", DEFAULT_DIR))
    parser.add_argument("--nodes", type=int, default=2)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--zk-port", type=int, default=None)
    args = parser.parse_args(argv)
    if args.command == "build":
        build(force=True)
        print(f"launcher built: {CLASSES}")
        return 0
    if args.command == "start":
        began = time.monotonic()
        cluster = start(args.dir, nodes=args.nodes, port=args.port, zk_port=args.zk_port)
        print(describe(cluster))
        print(f"SolrCloud live: {len(cluster.nodes)} nodes ({time.monotonic() - began:.1f} s)")
        # What Missive needs to use it (the URL is the engine's default only on port 8983);
        # its collection is made by solr-setup, named by the alias below.
        print(f"export MISSIVE_SOLR_URL={','.join(cluster.urls)}")
        print("collection: $MISSIVE_SOLR_COLLECTION, else missive-<8 hex digits of the "
              "index folder's path>; make it with MISSIVE_ENGINE=solr python -m indexer "
              "solr-setup --shards 2 --replicas 2")
        return 0
    cluster = Cluster.load(args.dir)
    if cluster is None:
        print(f"{Path(args.dir) / STATE}: no cluster was started from this folder")
        return 0 if args.command in ("stop", "status") else 1
    if args.command == "stop":
        ended = stop(cluster)
        print(f"stopped {len(ended)} processes: {' '.join(map(str, ended)) or '-'}")
    elif args.command == "status":
        print(describe(cluster))
        up = [n.url for n in cluster.nodes if _ours(n.pid, cluster, NODE_CLASS)]
        print(f"running nodes: {len(up)} of {len(cluster.nodes)}")
    elif args.node is None or not 0 <= args.node < len(cluster.nodes):
        print(f"{args.command}: give a node number from 0 to {len(cluster.nodes) - 1}")
        return 2
    elif args.command == "kill":
        print(f"killed {cluster.nodes[args.node].url} (pid {kill_node(cluster, args.node)})")
    else:
        node = restart_node(cluster, args.node)
        print(f"restarted {node.url} (pid {node.pid})")
    return 0


if __name__ == "__main__":
    sys.exit(as_command(main))
