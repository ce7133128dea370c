"""Types the API's input schemas share."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def _no_nul(value: str) -> str:
    # PostgreSQL's text cannot hold NUL; Django's forms refuse it the same way
    # (ProhibitNullCharactersValidator). Refused here, it is a 422 with a reason, not a 500.
    if "\x00" in value:
        raise ValueError("NUL 文字は使えません / Null characters are not allowed.")
    return value


# A string that can be stored as text: no NUL character.
Text = Annotated[str, AfterValidator(_no_nul)]
