"""The demo ward's synthetic safety-confirmation drills (`ainet demo`)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ainet.care.models import DisasterDeclaration
from ainet.core.models import User
from ainet.disaster.models import SafetyCampaign, SafetyLatest, SafetyStatus, SafetyUpdate


@pytest.mark.django_db
def test_demo_has_a_closed_drill_and_one_in_progress_without_disaster_mode() -> None:
    call_command("demo", "--format", "json", stdout=io.StringIO())
    past, live = SafetyCampaign.objects.order_by("opened_at")
    assert "デモ" in past.title and "デモ" in live.title  # clearly synthetic
    assert not past.is_open and past.closed_at is not None and past.closed_at < timezone.now()
    assert past.districts.count() == 0  # ward-wide
    assert live.is_open and live.districts.count() >= 2
    # drills: no declaration, so disaster mode stays off and nothing is unlocked
    assert past.declaration is None and live.declaration is None
    assert not DisasterDeclaration.objects.exists()
    for campaign in (past, live):
        updates = SafetyUpdate.objects.filter(campaign=campaign)
        assert updates.exists()
        assert updates.values("person__district").distinct().count() >= 2
        assert not updates.filter(observed_at__lt=campaign.opened_at).exists()
        if campaign.closed_at:
            assert not updates.filter(observed_at__gt=campaign.closed_at).exists()
        # the latest row per person is the newest update, counting them all
        for row in SafetyLatest.objects.filter(campaign=campaign):
            mine = updates.filter(person=row.person_id).order_by("-observed_at", "-id")
            assert row.update_id == mine[0].pk and row.status == mine[0].status
            assert row.update_count == mine.count()
    chosen = set(live.districts.values_list("pk", flat=True))
    assert (
        set(SafetyUpdate.objects.filter(campaign=live).values_list("person__district", flat=True))
        <= chosen
    )
    # some people are reported twice, and some of the live drill's are not reached yet
    assert SafetyLatest.objects.filter(update_count__gt=1).exists()
    assert SafetyLatest.objects.filter(status=SafetyStatus.EVACUATED).exclude(evacuated_to="")
    counts = SafetyLatest.objects.values("campaign").annotate(n=Count("pk"))
    assert all(c["n"] > 0 for c in counts)

    client = Client()
    client.force_login(User.objects.get(username="ward-admin"))
    board = client.get(reverse("safety:board", args=[live.pk]))
    assert board.status_code == 200
    assert client.get(reverse("safety:campaign_detail", args=[past.pk])).status_code == 200
