"""The batch page: run the solver, see the outcome, apply the ticked proposals."""

from __future__ import annotations

from django.urls import reverse

from ainet.volunteers.models import MatchRun
from tests.conftest import World
from tests.volunteers.url_rules import make_request, make_volunteer


def test_run_then_apply(world: World) -> None:
    volunteer, req = make_volunteer(world), make_request(world)
    client = world.client_for("shakyo")
    response = client.post(reverse("volunteers:batch"), {"max_distance_m": "1500"})
    run = MatchRun.objects.get()
    assert response["Location"] == reverse("volunteers:batch_run", args=[run.pk])
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 / 1" in page
    response = client.post(reverse("volunteers:batch_apply", args=[run.pk]), {"request": [req.pk]})
    assert response.status_code == 302
    assert req.assignments.get().volunteer == volunteer


def test_a_bad_distance_answers_400(world: World) -> None:
    response = world.client_for("shakyo").post(reverse("volunteers:batch"), {"max_distance_m": "x"})
    assert response.status_code == 400
    assert not MatchRun.objects.exists()


def test_applying_nothing_changes_nothing(world: World) -> None:
    make_volunteer(world)
    req = make_request(world)
    client = world.client_for("shakyo")
    client.post(reverse("volunteers:batch"), {"max_distance_m": "1500"})
    run = MatchRun.objects.get()
    response = client.post(reverse("volunteers:batch_apply", args=[run.pk]), {})
    assert response.status_code == 302
    assert not req.assignments.exists()


def test_another_users_run_is_404(world: World) -> None:
    make_volunteer(world)
    make_request(world)
    world.client_for("shakyo").post(reverse("volunteers:batch"), {"max_distance_m": "1500"})
    run = MatchRun.objects.get()
    url = reverse("volunteers:batch_run", args=[run.pk])
    assert world.client_for("staff_a").get(url).status_code == 404
