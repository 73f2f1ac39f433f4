"""Upload hostile files to a real `quizengine serve` while another client keeps asking for a page.

    .venv/bin/python benchmarks/upload_attacks.py [--only WORD]

Seeds a throw-away instance (the demo data), starts the server on 127.0.0.1
under eventlet, signs in as the demo admin and uploads, one after another: a
30 KB bank, contest file and roster of nested brackets, an xlsx zip bomb, an
xlsx declaring a huge sheet and a 15 MB bank. During each upload a second client GETs
/login every 50 ms; the figures are the upload's answer and time, the
latency of those other requests (p50 / max) and the server's resident memory
(now and peak). Bounded: each upload is given up after 150 s.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from tests.hostile import flat_yaml, huge_dimension_xlsx, nested_yaml, upload_while_pinging, zip_bomb_xlsx
from tests.live import seeded, serving

UPLOAD_TIMEOUT = 150.0
ATTACKS = [
    ("bank: nested brackets 30 KB", "/admin/banks/", "deep.yaml", lambda: nested_yaml(15_000, "bank: ")),
    ("contest: nested brackets 30 KB", "/admin/contests/", "deep.yaml", lambda: nested_yaml(15_000, "contest: ")),
    ("roster: nested brackets 30 KB", "/admin/roster/", "deep.yaml", lambda: nested_yaml(15_000, "staff: ")),
    ("roster: xlsx zip bomb (100 MB of rows)", "/admin/roster/", "bomb.xlsx", lambda: zip_bomb_xlsx(100)),
    (
        "roster: xlsx declaring A1:XFD1048576",
        "/admin/roster/",
        "wide.xlsx",
        lambda: huge_dimension_xlsx("A1:XFD1048576", 10_000),
    ),
    ("bank: 15 MB file", "/admin/banks/", "big.yaml", lambda: b"# padding\n" * 1_500_000),
    ("bank: 1.9 MB flat list (slow but legal)", "/admin/banks/", "flat.yaml", lambda: flat_yaml(1.9)),
]


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, resident peak) of a process, in MiB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def server_pid(port: int) -> int:
    """The pid of the process listening on 127.0.0.1:`port`."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        if parts[1].endswith(f":{port:04X}") and parts[3] == "0A":
            inode = parts[9]
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            if fd.readlink().name == f"socket:[{inode}]":
                return int(fd.parent.parent.name)
        except OSError:
            continue
    raise RuntimeError("server process not found")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run only the attacks whose label contains this")
    only = parser.parse_args().only
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        env = seeded(folder)
        password = (folder / "instance" / "demo-admin-password").read_text().strip()
        with serving(folder, env) as url:
            pid = server_pid(int(url.rsplit(":", 1)[1]))
            with requests.Session() as session:
                page = session.get(f"{url}/login").text
                token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
                session.post(f"{url}/login", data={"username": "admin", "password": password, "csrf_token": token})
                print(f"server RSS at start {memory_mb(pid)[0]:.0f} MiB")
                print(
                    f"{'attack':40} {'answer':>6} {'upload':>8} {'pings':>5} {'p50':>7} {'max':>8} {'RSS/peak MiB':>13}"
                )
                for label, path, name, build in [a for a in ATTACKS if only in a[0]]:
                    content = build()
                    result = upload_while_pinging(session, url, path, name, content, UPLOAD_TIMEOUT)
                    pings = result["pings"]
                    rss, peak = memory_mb(pid)
                    print(
                        f"{label:40} {result['status']!s:>6} {result['seconds']:7.2f}s {len(pings):5d} "
                        f"{pings[len(pings) // 2] * 1000:5.0f}ms {pings[-1] * 1000:6.0f}ms {rss:6.0f}/{peak:<6.0f}"
                    )
                    message = re.search(r'<span class="badge">[^<]*</span>([^<]*)', result["text"])
                    message = message or re.search(r'<li class="problem-error">([^<]*)', result["text"])
                    if message:
                        print(f"    {message.group(1).strip()[:110]}")


if __name__ == "__main__":
    main()
