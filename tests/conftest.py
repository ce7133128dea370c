"""Personas and the shared world every test starts from.

The world is the demo ward itself (built by `ainet.demo.builder`), so tests exercise the same
records a new user sees. District A is 矢向 (yako), district B is 市場 (ichiba).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from ainet.core.models import District, Municipality, Organisation, User
from ainet.demo import builder

DISTRICT_A = "yako"
DISTRICT_B = "ichiba"

# persona name → demo username (None: anonymous)
PERSONAS: dict[str, str | None] = {
    "ward_admin": "ward-admin",
    "staff_a": "staff-yako",
    "staff_b": "staff-ichiba",
    "shakyo": "shakyo-coordinator",
    "care_plaza": "careplaza-yako",
    "minsei": "minsei-yako",
    "association": "association-yako",
    "volunteer": "volunteer",
    "partner": "partner-company",
    "committee": "committee-member",
    "auditor": "auditor",
    "anonymous": None,
}


@pytest.fixture(autouse=True)
def _fast_hashing(settings: object) -> None:
    # Argon2 is the real hasher (tests/core/test_authentication.py proves it); tests log in
    # many times, so hash quickly here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@dataclass
class World:
    ward: Municipality
    district_a: District
    district_b: District
    users: dict[str, User]

    def client_for(self, persona: str, lang: str = "ja") -> Client:
        """A client logged in as the persona; pages come in `lang` (ja by default, as in
        production). Tests that assert on English wording ask for "en"."""
        client = Client(HTTP_ACCEPT_LANGUAGE=lang)
        username = PERSONAS[persona]
        if username is not None:
            client.force_login(self.users[persona])
        return client

    def organisation(self, name: str) -> Organisation:
        return Organisation.objects.get(municipality=self.ward, name=name)


def fresh_world() -> World:
    """The demo ward built again from nothing (as each matrix test gets it)."""
    call_command("flush", interactive=False, verbosity=0)
    ward = builder.build()
    return World(
        ward=ward,
        district_a=District.objects.get(municipality=ward, code=DISTRICT_A),
        district_b=District.objects.get(municipality=ward, code=DISTRICT_B),
        users={p: User.objects.get(username=u) for p, u in PERSONAS.items() if u is not None},
    )


@pytest.fixture
def world(db: None) -> World:
    ward = builder.build()
    users = {
        persona: User.objects.get(username=username)
        for persona, username in PERSONAS.items()
        if username is not None
    }
    return World(
        ward=ward,
        district_a=District.objects.get(municipality=ward, code=DISTRICT_A),
        district_b=District.objects.get(municipality=ward, code=DISTRICT_B),
        users=users,
    )


@pytest.fixture
def other_ward(db: None) -> Municipality:
    """A second tenant (神奈川区, 141020) with one district, to prove tenants stay apart."""
    ward = Municipality.objects.create(code="141020", name="横浜市神奈川区")
    District.objects.create(municipality=ward, code="kanagawa-a", name="神奈川A")
    return ward


def on_postgresql() -> bool:
    return bool(os.environ.get("AINET_DATABASE_URL"))


@pytest.fixture(scope="module")
def history_ward(django_db_setup: None, django_db_blocker: Any) -> Any:
    """The full demo ward with its FY2005–FY2014 history, built once per test module (it
    takes seconds). Tests that use it must not also use `world`, and must request `db`."""
    from django.core.management import call_command

    from ainet.demo.history import build_history

    with django_db_blocker.unblock():
        ward = builder.build()
        build_history(ward)
    yield ward
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
