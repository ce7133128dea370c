"""Attachments: PDF and images only, size-limited, the type read from the file's first bytes
(magic numbers), never from its name or the browser's claim. A renamed executable is refused."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 10

# (magic bytes at offset 0, content type, extension)
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes
    sha256: str


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the first bytes, or None for anything else."""
    for magic, content_type, extension in _SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    # WebP: RIFF....WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def _image_opens(data: bytes) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    return True


def check_upload(upload: Any, field: str = "file") -> CheckedFile:
    """Read and check an uploaded file; ValidationError (keyed by `field`) if refused."""
    size = int(getattr(upload, "size", 0) or 0)
    if size > MAX_BYTES:
        raise ValidationError(
            {
                field: _("The file is %(size)s MB; files may be at most %(limit)s MB.")
                % {"size": f"{size / 1024 / 1024:.1f}", "limit": MAX_BYTES // 1024 // 1024}
            }
        )
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(
            {
                field: _("The file is larger than %(limit)s MB.")
                % {"limit": MAX_BYTES // 1024 // 1024}
            }
        )
    if not data:
        raise ValidationError({field: _("The file is empty.")})
    found = sniff(data[:16])
    if found is None:
        raise ValidationError(
            {
                field: _(
                    "Only PDF files and images (PNG, JPEG, WebP) can be attached. This file "
                    "is neither, whatever its name says."
                )
            }
        )
    content_type, extension = found
    if content_type.startswith("image/") and not _image_opens(data):
        raise ValidationError({field: _("The image cannot be read; it may be damaged.")})
    name = str(getattr(upload, "name", "") or "attachment").replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0][:150] or "attachment"
    return CheckedFile(
        filename=f"{stem}.{extension}",
        content_type=content_type,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )
