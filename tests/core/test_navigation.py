import re

from django.urls import reverse

from ainet.demo.history import build_plan
from tests.conftest import World


def current_items(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', page)


def test_exactly_one_menu_item_is_current_on_each_section(world: World) -> None:
    build_plan(world.ward)
    client = world.client_for("ward_admin")
    expectations = {
        reverse("core:home"): reverse("core:home"),
        reverse("community:home"): reverse("community:home"),
        reverse("plan:overview"): reverse("plan:overview"),
        reverse("reports:indicators"): reverse("reports:indicators"),
        reverse("core:district_list"): reverse("core:district_list"),
        reverse("reports:district_index"): reverse("plan:overview"),
        reverse("care:person_list"): reverse("care:person_list"),
        reverse("care:worklist"): reverse("care:person_list"),
        reverse("care:support_map"): reverse("care:person_list"),
        reverse("disaster:home"): reverse("disaster:home"),
        reverse("disaster:evacuation_list"): reverse("disaster:home"),
    }
    for url, current in expectations.items():
        assert current_items(client.get(url).content.decode()) == [current], url


def test_the_roles_table_scrolls_inside_its_box_on_the_home_page(world: World) -> None:
    for lang in ("ja", "en"):
        page = world.client_for("care_plaza", lang=lang).get(reverse("core:home")).content.decode()
        assert '<div class="table-scroll" tabindex="0">\n<table>\n  <caption>' in page, lang
