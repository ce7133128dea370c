"""`ainet volunteers <action>`: volunteer tools. Actions: `match` (batch matching) and
`instance` (write the database's waiting requests and available volunteers as a `match` input).

    ainet volunteers match --input requests.json --output assignments.json [--format json]
    ainet volunteers instance --municipality 141011 --user shakyo-coordinator --output in.json
        [--max-distance-m 1500]

`instance` reads only what the named user may see (their districts, as in the web batch page);
ids are "r<request id>" and "v<volunteer id>". An unknown municipality or user, or a user who
does not manage volunteers there, exits with code 2 and writes nothing.

Bad input (malformed JSON, missing or unknown fields, invalid values, duplicate ids) prints a
Japanese / English message naming the path and exits with code 2; the output file is then
neither created nor touched. Output is written atomically (temporary file + os.replace).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ainet.volunteers import matching


def _bad(ja: str, en: str) -> CommandError:
    return CommandError(f"{ja} / {en}", returncode=2)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same folder and os.replace."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class Command(BaseCommand):
    help = "Volunteer tools. `match`: assign open requests to volunteers optimally (OR-Tools)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        match = actions.add_parser(
            "match",
            help="Batch matching: maximise served, then priority, then distance, then balance.",
        )
        match.add_argument("--input", required=True, help="instance JSON (UTF-8)")
        match.add_argument("--output", required=True, help="where to write the assignments")
        match.add_argument("--format", choices=["text", "json"], default="text")
        inst = actions.add_parser(
            "instance",
            help="Write the waiting requests and available volunteers as a match input file.",
        )
        inst.add_argument("--municipality", required=True, help="全国地方公共団体コード")
        inst.add_argument("--user", required=True, help="whose districts to read")
        inst.add_argument("--output", required=True)
        inst.add_argument("--max-distance-m", type=int, default=1500)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "match":
            self._match(Path(options["input"]), Path(options["output"]), options["format"])
        elif options["action"] == "instance":
            self._instance(
                options["municipality"],
                options["user"],
                Path(options["output"]),
                options["max_distance_m"],
            )

    def _instance(self, code: str, username: str, target: Path, max_distance_m: int) -> None:
        from ainet.core import access
        from ainet.core.models import Municipality, User
        from ainet.volunteers import proposals

        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise _bad(f"自治体 {code} がありません", f"no municipality {code}")
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise _bad(f"ユーザー {username} がありません", f"no active user {username}")
        if not access.can(user, "volunteers.manage") or municipality.pk not in {
            m.pk for m in Municipality.objects.filter(access.municipality_q(user, "pk"))
        }:
            raise _bad(
                f"{username} はこの自治体のボランティアを管理できません",
                f"{username} does not manage volunteers in this municipality",
            )
        if not 1 <= max_distance_m <= 20_000:
            raise _bad("最大距離は 1〜20000 m です", "--max-distance-m must be between 1 and 20000")
        if not target.parent.is_dir():
            raise _bad(
                f"出力先フォルダ {target.parent} がありません",
                f"output folder {target.parent} does not exist",
            )
        built = proposals.build_instance(user, municipality, max_distance_m)
        data: dict[str, Any] = {
            "max_distance_m": max_distance_m,
            "volunteers": [
                {
                    "id": v.id,
                    "lat": v.lat,
                    "lng": v.lng,
                    "capacity": v.capacity,
                    "skills": sorted(v.skills),
                    "languages": sorted(v.languages),
                    "availability": sorted(v.availability),
                }
                for v in built.instance.volunteers
            ],
            "requests": [
                {
                    "id": r.id,
                    "lat": r.lat,
                    "lng": r.lng,
                    "skills": sorted(r.skills),
                    "language": r.language,
                    "slot": r.slot,
                    "priority": r.priority,
                }
                for r in built.instance.requests
            ],
        }
        write_atomically(target, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        self.stdout.write(
            f"依頼 {len(data['requests'])} 件, ボランティア {len(data['volunteers'])} 人 / "
            f"{len(data['requests'])} requests, {len(data['volunteers'])} volunteers → {target}"
        )

    def _match(self, source: Path, target: Path, fmt: str) -> None:
        started = time.perf_counter()
        try:
            text = source.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise _bad(
                f"入力ファイル {source} がありません", f"input file {source} does not exist"
            ) from None
        except UnicodeDecodeError:
            raise _bad(
                f"入力ファイル {source} は UTF-8 ではありません",
                f"input file {source} is not UTF-8",
            ) from None
        except OSError as exc:
            raise _bad(
                f"入力ファイル {source} を読めません（{exc.strerror}）",
                f"cannot read input file {source} ({exc.strerror})",
            ) from None
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except ValueError as exc:
            raise _bad(
                f"入力ファイル {source} の JSON が不正です（{exc}）",
                f"input file {source} is not valid JSON ({exc})",
            ) from None
        try:
            instance = matching.parse_instance(data)
        except matching.InstanceError as exc:
            raise CommandError(f"入力が不正です / invalid input — {exc}", returncode=2) from None
        if not target.parent.is_dir():
            raise _bad(
                f"出力先フォルダ {target.parent} がありません",
                f"output folder {target.parent} does not exist",
            )
        try:
            result = matching.solve(instance)
        except matching.InstanceError as exc:
            raise CommandError(f"入力が不正です / invalid input — {exc}", returncode=2) from None
        payload = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
        try:
            write_atomically(target, payload)
        except OSError as exc:
            raise _bad(
                f"出力ファイル {target} を書けません（{exc.strerror}）",
                f"cannot write output file {target} ({exc.strerror})",
            ) from None
        seconds = time.perf_counter() - started
        total = len(instance.requests)
        if fmt == "json":
            summary = {
                "served": result.served,
                "requests": total,
                "total_distance_m": result.total_distance_m,
                "seconds": round(seconds, 3),
                "output": str(target),
            }
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(
                f"割当 {result.served}/{total} 件, 総距離 {result.total_distance_m} m, "
                f"{seconds:.2f} 秒 / served {result.served}/{total}, "
                f"total distance {result.total_distance_m} m, {seconds:.2f} s → {target}"
            )
