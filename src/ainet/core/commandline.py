"""What the `ainet` import commands share: errors in Japanese and English with exit code 2,
reading the input file, and printing an import's report (text or JSON)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ainet.core.codes import normalise_code
from ainet.core.csvio import ImportReport
from ainet.core.models import Municipality


def bad(ja: str, en: str) -> CommandError:
    return CommandError(f"{ja} / {en}", returncode=2)


def municipality(code: str) -> Municipality:
    try:
        return Municipality.objects.get(code=normalise_code(code))
    except Municipality.DoesNotExist:
        raise bad(
            f"自治体 {code} は登録されていません（ainet ward create で登録します）。",
            f"Municipality {code} is not registered (ainet ward create registers it).",
        ) from None


def read_input(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise bad(
            f"ファイルを読めません: {path}（{exc.strerror}）",
            f"Cannot read the file: {path} ({exc.strerror})",
        ) from None


def write_report(command: BaseCommand, report: ImportReport, output_format: str) -> None:
    """Print the report; raise (exit code 2) when it has errors: nothing was imported."""
    if output_format == "json":
        command.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for warning in report.warnings:
            command.stderr.write(f"注意 / warning: {warning}")
        for error in report.errors:
            command.stderr.write(f"誤り / error: {error}")
        if report.ok:
            verb = "確認のみ（書き込みなし）" if report.dry_run else "読み込みました"
            verb_en = "checked only, nothing written" if report.dry_run else "imported"
            same = "" if report.unchanged is None else f"、変更なし {report.unchanged}"
            same_en = "" if report.unchanged is None else f", {report.unchanged} unchanged"
            command.stdout.write(
                f"{verb}: {report.records}件（新規 {report.created}、"
                f"更新 {report.updated}{same}） / "
                f"{verb_en}: {report.records} rows ({report.created} new, "
                f"{report.updated} updated{same_en})"
            )
    if not report.ok:
        raise CommandError(
            f"{len(report.errors)}件の誤りがあるため、何も読み込んでいません。 / "
            f"{len(report.errors)} error(s): nothing was imported.",
            returncode=2,
        )
