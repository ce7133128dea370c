"""iCalendar (RFC 5545) for the public event calendar."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.utils import timezone

from ainet.community.models import Event

TOKYO = ZoneInfo("Asia/Tokyo")


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space (never inside a character)."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode("utf-8")) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


def _utc(day: datetime.date, time: datetime.time) -> str:
    moment = datetime.datetime.combine(day, time, tzinfo=TOKYO).astimezone(datetime.UTC)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def ics(events: Iterable[Event], *, name: str, host: str) -> str:
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ainet//public calendar//JA",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape(name)}",
        "X-WR-TIMEZONE:Asia/Tokyo",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{event.pk}@{host.split(':')[0] or 'ainet'}",
            f"DTSTAMP:{stamp}",
        ]
        if event.start_time:
            lines.append(f"DTSTART:{_utc(event.date, event.start_time)}")
            end = event.end_time or event.start_time
            end_day = event.date if end >= event.start_time else event.date + datetime.timedelta(1)
            lines.append(f"DTEND:{_utc(end_day, end)}")
        else:
            lines.append(f"DTSTART;VALUE=DATE:{event.date:%Y%m%d}")
            lines.append(f"DTEND;VALUE=DATE:{event.date + datetime.timedelta(1):%Y%m%d}")
        lines.append(f"SUMMARY:{escape(event.title)}")
        if event.place:
            lines.append(f"LOCATION:{escape(event.place)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
