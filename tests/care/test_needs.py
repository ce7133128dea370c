"""Kinds of need: staff add them; special-care kinds only by special-care readers, and only
they see them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ainet.care import services
from ainet.care.models import NeedKind
from tests.care.factories import need
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_staff_add_a_kind_of_need_on_its_page(world: World) -> None:
    response = world.client_for("shakyo").post(
        reverse("care:need_kind_create"),
        {"code": "shopping", "name": "買い物の支援", "sort_order": "5"},
    )
    assert response.status_code == 302
    assert NeedKind.objects.get(code="shopping").name == "買い物の支援"
    html = world.client_for("minsei").get(reverse("care:need_kind_list")).content.decode()
    assert "買い物の支援" in html


def test_a_duplicate_code_answers_400(world: World) -> None:
    need(world, "shopping")
    response = world.client_for("staff_a").post(
        reverse("care:need_kind_create"), {"code": "shopping", "name": "x", "sort_order": "1"}
    )
    assert response.status_code == 400
    assert NeedKind.objects.count() == 1


def test_special_care_kinds_need_care_view_special(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.create_need_kind(
            world.users["shakyo"], world.ward, code="hiv", name="x", is_special_care=True
        )
    need(world, "dialysis", special=True)
    html = world.client_for("minsei").get(reverse("care:need_kind_list")).content.decode()
    assert "ニーズ dialysis" not in html
    html = world.client_for("care_plaza").get(reverse("care:need_kind_list")).content.decode()
    assert "ニーズ dialysis" in html
