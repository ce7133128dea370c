"""The care section's navigation links the roster import, the isolation analysis and the
concern queue only for those who may open them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import World

pytestmark = pytest.mark.django_db

LINKS = {
    "roster": reverse("care_roster:home"),
    "isolation": reverse("care_analysis:overview"),
    "concerns": reverse("care_concerns:queue"),
}


def _nav(world: World, persona: str) -> str:
    page = world.client_for(persona).get(reverse("care:supporter_list")).content.decode()
    start = page.index('class="section-nav"')
    return page[start : page.index("</nav>", start)]


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("ward_admin", {"roster", "isolation", "concerns"}),
        ("staff_a", {"isolation", "concerns"}),
        ("minsei", set()),
        ("volunteer", set()),
    ],
)
def test_section_nav_links_what_the_user_may_open(
    world: World, persona: str, shown: set[str]
) -> None:
    nav = _nav(world, persona)
    assert {name for name, url in LINKS.items() if f'href="{url}"' in nav} == shown
    client = world.client_for(persona)
    for name in shown:
        assert client.get(LINKS[name]).status_code == 200
