"""What the safety-confirmation benchmark and the kill -9 reliability run share: preparing a
database (campaign, supporter accounts, the people each may confirm), running gunicorn on it,
and field clients that log in through the real log-in page, keep their session and CSRF
cookies, and send updates with client-generated idempotency keys — re-sending the same key
and content after any failure, as a phone with a bad connection does.

Nothing here imports Django at module level: the load side speaks plain HTTP, and Django runs
in the subprocesses (`python bench/safety_load.py prepare …` and gunicorn) with the
environment that points them at the bench database.

ALL people and accounts made here are synthetic.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
BENCH_PASSWORD = "bench-安否-" + "x" * 12
STATUSES = ["safe", "needs_help", "not_home", "evacuated", "unknown"]


# --- Preparing the database (runs inside Django, in a subprocess) -----------------------


def _prepare(out: str, users: int, people: int, use_synthetic_care: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainet.settings")
    import django

    django.setup()
    import datetime

    from django.core.management import call_command
    from django.db import transaction

    from ainet.care.models import Basis, ListEntry, ListKind, Person
    from ainet.core.models import District, Municipality, RoleMembership, User
    from ainet.core.roles import Role
    from ainet.demo import builder
    from ainet.disaster import safety
    from ainet.disaster.models import SafetyCampaign

    call_command("migrate", verbosity=0)
    if Municipality.objects.exclude(code=builder.MUNICIPALITY_CODE).exists():
        raise SystemExit("refused: this database holds real municipalities; use a scratch one")
    if use_synthetic_care:
        sys.path.insert(0, str(HERE))
        import synthetic_care

        ward = synthetic_care.setup()
        districts = list(District.objects.filter(municipality=ward).order_by("sort_order"))
    else:
        if not builder.demo_exists():
            with transaction.atomic():
                builder.build()
        ward = Municipality.objects.get(code=builder.MUNICIPALITY_CODE)
        districts = list(District.objects.filter(municipality=ward).order_by("sort_order"))
        have = Person.objects.filter(municipality=ward, notes__startswith="合成").count()
        with transaction.atomic():
            for n in range(have, people):
                district = districts[n % len(districts)]
                person = Person.objects.create(
                    municipality=ward,
                    name=f"合成 安否{n:05d}",
                    name_kana="ゴウセイ アンピ",
                    district=district,
                    address="横浜市鶴見区（架空）",
                    notes="合成データ（ベンチマーク用、実在の人物ではありません）",
                )
                ListEntry.objects.create(
                    person=person,
                    list_kind=ListKind.EVACUATION,
                    basis=Basis.CONSENT,
                    joined_on=datetime.date(2024, 4, 1),
                    source="synthetic bench data (合成データ)",
                )
    admin = User.objects.get(username="ward-admin")
    campaign = SafetyCampaign.objects.create(
        municipality=ward, title=f"ベンチ安否確認 {uuid.uuid4().hex[:8]}", opened_by=admin
    )
    # Supporter accounts: welfare commissioners, one district each, in the districts with
    # the most people a commissioner may see.
    counts: dict[int, int] = {}
    for district_id in (
        Person.objects.filter(safety.in_campaign_q(campaign))
        .filter(
            list_entries__list_kind=ListKind.EVACUATION,
            list_entries__left_on__isnull=True,
            list_entries__basis__in=[Basis.CONSENT, Basis.HAND_RAISED],
        )
        .values_list("district_id", flat=True)
    ):
        if district_id is not None:
            counts[district_id] = counts.get(district_id, 0) + 1
    ranked = sorted(counts, key=lambda d: -counts[d]) or [districts[0].pk]
    accounts = []
    for n in range(users):
        username = f"bench-supporter-{n:03d}"
        user, created = User.objects.get_or_create(
            username=username, defaults={"display_name": f"合成 支援者{n:03d}"}
        )
        if created or not user.check_password(BENCH_PASSWORD):
            user.set_password(BENCH_PASSWORD)
            user.save()
        if not user.memberships.exists():
            membership = RoleMembership.objects.create(
                user=user, municipality=ward, role=Role.MINSEI_IIN
            )
            membership.districts.set([ranked[n % len(ranked)]])
        visible = list(safety.campaign_people(user, campaign).values_list("pk", flat=True)[:2000])
        accounts.append({"username": username, "people": visible})
    Path(out).write_text(
        json.dumps({"campaign": campaign.pk, "accounts": accounts}), encoding="utf-8"
    )


def prepare(env: dict[str, str], users: int, people: int, synthetic_care: bool) -> dict[str, Any]:
    out = Path(env["AINET_DATA_DIR"]) / f"safety-prepared-{uuid.uuid4().hex[:6]}.json"
    command = [PYTHON, str(HERE / "safety_load.py"), "prepare", "--out", str(out)]
    command += ["--users", str(users), "--people", str(people)]
    if synthetic_care:
        command.append("--synthetic-care")
    subprocess.run(command, env=env, check=True, cwd=ROOT)
    prepared: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return prepared


# --- PostgreSQL ------------------------------------------------------------------------------


def pg_args(url: str) -> list[str]:
    """psql's, createdb's and pgbench's -h/-p/-U arguments for a postgres:// URL."""
    parts = urllib.parse.urlparse(url)
    return [
        *("-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)),
        *("-U", parts.username or "postgres"),
    ]


def database_name(url: str) -> str:
    return urllib.parse.urlparse(url).path.lstrip("/")


def ensure_database(url: str) -> None:
    """Create the (scratch) database the URL names, if missing."""
    name = database_name(url)
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"refusing odd database name {name!r}")
    query = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"  # noqa: S608 - name checked
    listed = subprocess.run(
        ["psql", *pg_args(url), "-Atc", query], capture_output=True, text=True, check=True
    ).stdout.strip()
    if listed != "1":
        subprocess.run(["createdb", *pg_args(url), name], check=True)


# --- The server -----------------------------------------------------------------------------


class Server:
    """gunicorn serving ainet; `kill_hard` sends SIGKILL to the master and every worker."""

    def __init__(
        self,
        env: dict[str, str],
        port: int,
        workers: int,
        threads: int,
        app: str = "ainet.wsgi:application",
        asgi: bool = False,
    ) -> None:
        """gthread workers with `threads` each for a WSGI `app`; with `asgi`, uvicorn workers
        (one event loop each) for an ASGI `app`, ainet's by default."""
        self.env, self.port, self.workers, self.threads = env, port, workers, threads
        self.asgi = asgi
        self.app = "ainet.asgi:application" if asgi and app == "ainet.wsgi:application" else app
        self.process: subprocess.Popen[bytes] | None = None
        # A file, not a pipe: a pipe nobody reads would fill under load and stall the server.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server

    def start(self) -> None:
        command = [
            str(Path(PYTHON).with_name("gunicorn")),
            self.app,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            *(
                ["uvicorn_worker.UvicornWorker"]
                if self.asgi
                else ["gthread", "--threads", str(self.threads)]
            ),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            "--graceful-timeout",
            "2",
        ]
        self.process = subprocess.Popen(
            command, env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self.log
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.errors()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def _pids(self) -> list[int]:
        assert self.process is not None
        master = self.process.pid
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid …; comm may contain spaces, so split after the last ")".
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == master:
                children.append(int(entry.name))
        return [master, *children]

    def kill_hard(self) -> int:
        """SIGKILL master and workers at once; returns how many processes were killed."""
        pids = self._pids()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        assert self.process is not None
        self.process.wait()
        for pid in pids[1:]:  # workers are our grandchildren: wait until they are gone
            while Path(f"/proc/{pid}").exists():
                try:
                    if "Z" in (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]):
                        break
                except OSError:
                    break
                time.sleep(0.01)
        return len(pids)

    def errors(self) -> str:
        """What the server wrote to stderr so far."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill_hard()


# --- Field clients --------------------------------------------------------------------------


@dataclass
class Outcome:
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → body sent
    created: int = 0
    replayed: int = 0
    retries: int = 0
    failures: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)

    @classmethod
    def merged(cls, parts: Iterable[Outcome]) -> Outcome:
        """The outcomes of several loads as one (latencies left out)."""
        parts = list(parts)
        return cls(
            acked={k: v for o in parts for k, v in o.acked.items()},
            created=sum(o.created for o in parts),
            replayed=sum(o.replayed for o in parts),
            retries=sum(o.retries for o in parts),
            failures=[f for o in parts for f in o.failures],
        )


class FieldClient:
    """One supporter's phone: a persistent connection with its session and CSRF cookies, or
    (auth="token") a personal API token it made on the account page after logging in once,
    sent as `Authorization: Bearer …` with no cookie at all."""

    def __init__(
        self, port: int, username: str, campaign: int, people: list[int], auth: str = "session"
    ) -> None:
        if auth not in ("session", "token"):
            raise ValueError(f"auth must be session or token, not {auth!r}")
        self.port, self.username, self.campaign, self.people = port, username, campaign, people
        self.auth = auth
        self.token = ""
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.rng = random.Random(username)

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return self.conn

    def _request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        all_headers = {"Accept-Language": "ja", **(headers or {})}
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = self._connection()
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, data

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def login(self) -> None:
        self.token = ""
        self.cookies = {}
        status, page = self._request("GET", "/staff/login/")
        if status != 200:
            raise RuntimeError(f"log-in page answered {status}")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the log-in page"
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": self.username,
                "password": BENCH_PASSWORD,
            }
        ).encode()
        status, _ = self._request(
            "POST",
            "/staff/login/",
            form,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"log-in of {self.username} failed ({status})")
        if self.auth == "token":
            self._make_token()

    def _make_token(self) -> None:
        """Make a personal API token on the account page, then forget the session."""
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
                "name": "合成 ベンチ用の電話",
                "days": "1",
            }
        ).encode()
        status, page = self._request(
            "POST",
            "/staff/me/tokens/",
            form,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": self._origin()},
        )
        if status == 302:  # the account page shows the new token once
            status, page = self._request("GET", "/staff/me/")
        found = re.search(rb"ainet_[A-Za-z0-9_-]{43}", page)
        if status != 200 or not found:
            raise RuntimeError(f"token of {self.username} not made ({status})")
        self.token = found.group(0).decode()
        self.cookies = {}

    def _origin(self) -> str:
        return f"http://127.0.0.1:{self.port}/staff/me/"

    def new_update(self) -> dict[str, Any]:
        status = self.rng.choice(STATUSES)
        return {
            "idempotency_key": str(uuid.uuid4()),
            "person": self.rng.choice(self.people),
            "status": status,
            "evacuated_to": "合成 避難所" if status == "evacuated" else "",
            "note": "",
            "observed_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        }

    def send(self, update: dict[str, Any]) -> int:
        """POST one update; answers the HTTP status (raises OSError on a broken connection)."""
        status, _body = self._request(
            "POST",
            f"/api/v1/disaster/campaigns/{self.campaign}/updates",
            json.dumps(update).encode(),
            {"Content-Type": "application/json", "X-CSRFToken": self.cookies.get("csrftoken", "")}
            if not self.token
            else {"Content-Type": "application/json"},
        )
        return status


def _phones(
    port: int, prepared: dict[str, Any], accounts: list[dict[str, Any]], clients: int, auth: str
) -> list[FieldClient]:
    """`clients` phones, the accounts taken in turn."""
    return [
        FieldClient(port, accounts[n % len(accounts)]["username"], prepared["campaign"],
                    accounts[n % len(accounts)]["people"], auth)
        for n in range(clients)
    ]  # fmt: skip


def run_clients(
    port: int,
    prepared: dict[str, Any],
    clients: int,
    seconds: float,
    outcome: Outcome,
    stop: threading.Event | None = None,
    resend_share: float = 0.05,
    ready: threading.Event | None = None,
    auth: str = "session",
) -> float:
    """`clients` threads send updates for `seconds` (or until `stop`); each keeps re-sending an
    unanswered update (same key, same content) until it gets a 2xx or a 4xx. Returns the
    measured wall time of the sending phase."""
    accounts = [a for a in prepared["accounts"] if a["people"]]
    if not accounts:
        raise RuntimeError("no supporter account sees anyone")
    lock = threading.Lock()
    phones = _phones(port, prepared, accounts, clients, auth)
    for phone in phones:
        _with_retries(phone.login, stop)
    if ready is not None:
        ready.set()
    stop = stop or threading.Event()
    started = time.perf_counter()
    deadline = started + seconds

    def work(phone: FieldClient) -> None:
        while time.perf_counter() < deadline and not stop.is_set():
            update = phone.new_update()
            copies = 2 if phone.rng.random() < resend_share else 1
            for _copy in range(copies):  # a deliberate re-send of an answered update too
                t0 = time.perf_counter()
                status = _send_until_answered(phone, update, outcome, lock, deadline + 60)
                with lock:
                    outcome.latencies.append(time.perf_counter() - t0)
                    if status in (200, 201):
                        outcome.acked[update["idempotency_key"]] = update
                        if status == 201:
                            outcome.created += 1
                        else:
                            outcome.replayed += 1
                    else:
                        outcome.failures.append(f"{status} for {update['idempotency_key']}")
        phone.close()

    threads = [threading.Thread(target=work, args=(p,), daemon=True) for p in phones]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def run_reads(
    port: int,
    prepared: dict[str, Any],
    clients: int,
    seconds: float,
    path: str,
    login: bool,
    auth: str = "session",
) -> tuple[int, float, list[float]]:
    """An anchor for the update rate: `clients` threads GET `path` through the same server and
    the same client code for `seconds` (logged in first when `login`). Returns the number of
    200 answers, the wall time of the sending phase and the latencies."""
    accounts = [a for a in prepared["accounts"] if a["people"]]
    phones = _phones(port, prepared, accounts, clients, auth)
    if login:
        for phone in phones:
            _with_retries(phone.login, None)
    lock = threading.Lock()
    answered: list[int] = [0]
    latencies: list[float] = []
    started = time.perf_counter()
    deadline = started + seconds

    def work(phone: FieldClient) -> None:
        ok, mine = 0, []
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                status, _body = phone._request("GET", path)
            except (OSError, http.client.HTTPException):
                continue
            mine.append(time.perf_counter() - t0)
            ok += status == 200
        phone.close()
        with lock:
            answered[0] += ok
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(p,), daemon=True) for p in phones]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answered[0], time.perf_counter() - started, latencies


# --- wrk: the same updates from a client written in C --------------------------------------


WRK_SCRIPT = HERE / "safety_wrk.lua"


def token_phones(port: int, prepared: dict[str, Any], clients: int) -> list[FieldClient]:
    """One phone per client, each logged in through the log-in page with a personal API
    token made on the account page (as `run_clients(auth="token")` does)."""
    accounts = [a for a in prepared["accounts"] if a["people"]]
    phones = _phones(port, prepared, accounts, clients, "token")
    for phone in phones:
        _with_retries(phone.login, None)
        phone.close()
    return phones


def write_wrk_accounts(path: Path, campaign: int, phones: list[FieldClient]) -> None:
    """The Lua table safety_wrk.lua reads: the campaign and each phone's token and people."""
    lines = [f"campaign = {int(campaign)}", "accounts = {"]
    for phone in phones:
        if not re.fullmatch(r"[A-Za-z0-9_-]*", phone.token):
            raise ValueError("unexpected token characters")
        people = ",".join(str(int(p)) for p in phone.people)
        lines.append(f'  {{token = "{phone.token}", people = {{{people}}}}},')
    lines.append("}")
    path.write_text("\n".join(lines) + "\n")


@dataclass
class WrkRun:
    seconds: float
    sent: dict[str, tuple[int, dict[str, Any]]]  # key → (account index from 0, update)
    answers: list[tuple[int, str]]  # (HTTP status, key or "-")
    summary: str  # wrk's own report

    def created(self) -> int:
        return sum(1 for status, _key in self.answers if status == 201)

    def percentiles(self) -> str:
        found = re.findall(r"^\s+(50|90|99)%\s+([0-9.]+)(us|ms|s)\s*$", self.summary, re.M)
        scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}
        return ", ".join(f"p{p} {float(v) * scale[u]:.0f} ms" for p, v, u in found)


def run_wrk(
    port: int,
    accounts_file: Path,
    clients: int,
    seconds: float,
    log_dir: Path,
    resend_share: float = 0.05,
) -> WrkRun:
    """wrk with `clients` connections on two threads for `seconds`, posting safety_wrk.lua's
    updates. Returns what it sent and what came back (from its logs)."""
    for old in log_dir.glob("wrk-*.log"):
        old.unlink()
    prefix = str(log_dir / "wrk-")
    command = [
        "wrk", "-t", "2", "-c", str(clients), "-d", f"{max(1, round(seconds))}s",
        "--timeout", "60s", "--latency", "-s", str(WRK_SCRIPT), f"http://127.0.0.1:{port}",
        "--", str(accounts_file), prefix, str(resend_share),
    ]  # fmt: skip
    started = time.perf_counter()
    summary = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    elapsed = time.perf_counter() - started
    sent: dict[str, tuple[int, dict[str, Any]]] = {}
    answers: list[tuple[int, str]] = []
    for log in sorted(log_dir.glob("wrk-*.log")):
        for line in log.read_text(encoding="utf-8").splitlines():
            kind, first, rest = line.split("\t", 2)
            if kind == "S":
                update = json.loads(rest)
                sent[update["idempotency_key"]] = (int(first) - 1, update)
            elif kind == "A":
                answers.append((int(first), rest))
    return WrkRun(elapsed, sent, answers, summary)


def settle_wrk(run: WrkRun, phones: list[FieldClient], outcome: Outcome) -> None:
    """Count wrk's answers into `outcome`, then re-send every update still unanswered when
    wrk stopped (in flight, or answered with an error), same key and content, from the
    phone whose token it carried, until it is answered."""
    answered: dict[str, int] = {}
    for status, key in run.answers:
        if status in (200, 201) and key in run.sent:
            outcome.acked[key] = run.sent[key][1]
            outcome.created += status == 201
            outcome.replayed += status == 200
            answered[key] = status
        else:
            outcome.failures.append(f"{status} from wrk")
    lock = threading.Lock()
    for key, (account, update) in run.sent.items():
        if key in answered:
            continue
        status = _send_until_answered(
            phones[account], update, outcome, lock, time.perf_counter() + 60
        )
        if status in (200, 201):
            outcome.acked[key] = update
            outcome.created += status == 201
            outcome.replayed += status == 200
            outcome.retries += 1
        else:
            outcome.failures.append(f"{status} for {key}")
    for phone in phones:
        phone.close()


def _with_retries(fn: Any, stop: threading.Event | None, attempts: int = 600) -> None:
    for _ in range(attempts):
        try:
            fn()
            return
        except (OSError, http.client.HTTPException):
            if stop is not None and stop.is_set():
                raise
            time.sleep(0.1)
    fn()


def _send_until_answered(
    phone: FieldClient, update: dict[str, Any], outcome: Outcome, lock: threading.Lock, until: float
) -> int:
    while True:
        try:
            status = phone.send(update)
        except (OSError, http.client.HTTPException):
            status = 0
        if 200 <= status < 500 and status not in (401, 403):
            return status
        if status in (401, 403):  # the session was lost with the server: log in again
            with lock:
                outcome.retries += 1
            _with_retries(phone.login, None)
            continue
        with lock:
            outcome.retries += 1
        if time.perf_counter() > until:
            return status
        time.sleep(0.05)


# --- Checking what was stored ------------------------------------------------------------------


def stored_updates(env: dict[str, str], campaign: int) -> list[tuple[str, int, str, str]]:
    """(key, person, status, observed_at ISO) of every stored update, read in a subprocess
    with Django so that SQLite and PostgreSQL are read alike."""
    out = subprocess.run(
        [PYTHON, str(HERE / "safety_load.py"), "dump", "--campaign", str(campaign)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [tuple(row) for row in json.loads(out)]  # type: ignore[misc]


def _dump(campaign: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainet.settings")
    import django

    django.setup()
    from ainet.disaster.models import SafetyLatest, SafetyUpdate

    rows = [
        [u.idempotency_key, u.person_id, u.status, u.observed_at.isoformat()]
        for u in SafetyUpdate.objects.filter(campaign_id=campaign).order_by("pk")
    ]
    # The latest table must agree with the history: count and newest per person.
    history: dict[int, list[Any]] = {}
    for u in SafetyUpdate.objects.filter(campaign_id=campaign):
        history.setdefault(u.person_id, []).append(u)
    for latest in SafetyLatest.objects.filter(campaign_id=campaign):
        updates = history.pop(latest.person_id, [])
        newest = max(updates, key=lambda u: (u.observed_at, u.pk))
        if latest.update_count != len(updates) or latest.update_id != newest.pk:
            raise SystemExit(f"latest status of person {latest.person_id} disagrees with history")
    if history:
        raise SystemExit(f"people with updates but no latest row: {sorted(history)[:10]}")
    print(json.dumps(rows))


def verify(outcome: Outcome, stored: list[tuple[str, int, str, str]]) -> list[str]:
    """Problems: an acknowledged key missing or stored with other content, a duplicate key,
    or a stored key nobody acknowledged (tolerated only for requests cut off by a kill)."""
    problems = []
    keys = [row[0] for row in stored]
    if len(keys) != len(set(keys)):
        problems.append(f"{len(keys) - len(set(keys))} duplicate keys stored")
    by_key = {row[0]: row for row in stored}
    missing = [k for k in outcome.acked if k not in by_key]
    if missing:
        problems.append(f"{len(missing)} acknowledged updates missing, e.g. {missing[:3]}")
    changed = [
        k
        for k, sent in outcome.acked.items()
        if k in by_key and (by_key[k][1], by_key[k][2]) != (sent["person"], sent["status"])
    ]
    if changed:
        problems.append(f"{len(changed)} acknowledged updates stored with other content")
    return problems


def iter_percentiles(values: list[float], points: tuple[int, ...] = (50, 95, 99)) -> Iterator[str]:
    ordered = sorted(values)
    for p in points:
        if ordered:
            yield f"p{p} {ordered[min(len(ordered) - 1, len(ordered) * p // 100)] * 1e3:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    prep = sub.add_parser("prepare")
    prep.add_argument("--out", required=True)
    prep.add_argument("--users", type=int, default=64)
    prep.add_argument("--people", type=int, default=500)
    prep.add_argument("--synthetic-care", action="store_true")
    dump = sub.add_parser("dump")
    dump.add_argument("--campaign", type=int, required=True)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    if args.command == "prepare":
        _prepare(args.out, args.users, args.people, args.synthetic_care)
    else:
        _dump(args.campaign)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
