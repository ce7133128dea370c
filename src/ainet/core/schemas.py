"""Types the API's input schemas share."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def storable(value: str) -> bool:
    """Whether PostgreSQL's text can hold `value`: no NUL, and valid UTF-8 (JSON's `\\ud800`
    escapes give lone surrogates, which cannot be encoded). Django's forms refuse NUL the
    same way (ProhibitNullCharactersValidator)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _storable(value: str) -> str:
    if not storable(value):
        raise ValueError(
            "NUL 文字や不正な文字は使えません / Null characters and invalid characters are "
            "not allowed."
        )
    return value


# A string that can be stored as text. Refused here, such input is a 422 with a reason, not
# a server error when the database refuses it.
Text = Annotated[str, AfterValidator(_storable)]
