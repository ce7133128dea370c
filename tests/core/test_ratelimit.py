"""The limit on posts to the public forms: per client address and form, a fixed window, 429 in
the visitor's language with whom to call, nothing stored, GET never limited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from ainet.care.models import ConcernReport
from ainet.community.models import Registration
from ainet.core import ratelimit
from ainet.core.models import Organisation, OrganisationKind
from ainet.grants.models import Application
from ainet.volunteers.models import Volunteer
from tests.care.test_concern_views import _public_post
from tests.conftest import World
from tests.grants.test_public_application import form_data
from tests.grants.url_rules import open_round
from tests.public.url_rules import make_event
from tests.volunteers.url_rules import skill, town_in

WINDOW = 3600


class FakeClock:
    def __init__(self) -> None:
        self.at = 1_800_000_000.0  # the start of a window (a multiple of WINDOW)

    def __call__(self) -> float:
        return self.at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(ratelimit, "now", fake)
    return fake


@pytest.fixture
def two_posts(settings: Any) -> None:
    settings.AINET_PUBLIC_POST_WINDOW_SECONDS = WINDOW
    settings.AINET_PUBLIC_POST_LIMITS = {form: 2 for form in ratelimit.FORMS}
    # The older hourly limit on stored concern reports must not be what stops them here.
    settings.AINET_PUBLIC_CONCERNS_PER_HOUR = 100


def client_at(address: str, lang: str = "ja") -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=lang, REMOTE_ADDR=address)


# Each public form: its URL, a valid post, and how many of its records are stored.
FormCase = tuple[Callable[[World], str], Callable[[World], dict[str, Any]], Callable[[], int]]


def _volunteer_post(world: World) -> dict[str, Any]:
    return {
        "name": "応募 花子",
        "town": str(town_in(world.district_a).pk),
        "phone": "045-000-0000",
        "skills": [str(skill(world).pk)],
        "availability": ["sat-am"],
        "contact_consent": "on",
    }


CASES: dict[str, FormCase] = {
    "concern": (
        lambda world: reverse("care_public:concern_report"),
        _public_post,
        lambda: ConcernReport.objects.count(),
    ),
    "volunteer": (
        lambda world: reverse("volunteers_public:register"),
        _volunteer_post,
        lambda: Volunteer.objects.filter(name="応募 花子").count(),
    ),
    "grant": (
        lambda world: reverse("grants_public:apply", args=[open_round(world).pk]),
        form_data,
        lambda: Application.objects.filter(title="夏休み子ども教室").count(),
    ),
    "event": (
        lambda world: reverse("public:event_detail", args=[make_event(world).pk]),
        lambda world: {"name": "山田 花子"},
        lambda: Registration.objects.filter(name="山田 花子").count(),
    ),
}


@pytest.mark.usefixtures("two_posts")
@pytest.mark.parametrize("form", list(CASES))
def test_the_post_over_the_limit_gets_429_and_stores_nothing(
    world: World, clock: FakeClock, form: str
) -> None:
    url_of, data_of, stored = CASES[form]
    url = url_of(world)
    client = client_at("192.0.2.10")
    for _ in range(2):
        assert client.post(url, data_of(world)).status_code == 302
    assert stored() == 2

    refused = client.post(url, data_of(world))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == WINDOW
    assert stored() == 2
    # Looking at the form is never limited.
    assert client.get(url).status_code == 200


@pytest.mark.usefixtures("two_posts")
def test_another_address_and_another_form_are_not_affected(world: World, clock: FakeClock) -> None:
    url = reverse("care_public:concern_report")
    first = client_at("192.0.2.10")
    for _ in range(3):
        first.post(url, _public_post(world))
    assert first.post(url, _public_post(world)).status_code == 429

    assert client_at("192.0.2.11").post(url, _public_post(world)).status_code == 302
    volunteer = first.post(reverse("volunteers_public:register"), _volunteer_post(world))
    assert volunteer.status_code == 302
    assert ConcernReport.objects.count() == 3


@pytest.mark.usefixtures("two_posts")
def test_the_count_starts_again_in_the_next_window(world: World, clock: FakeClock) -> None:
    url = reverse("care_public:concern_report")
    client = client_at("192.0.2.10")
    clock.at += WINDOW - 10
    for _ in range(2):
        assert client.post(url, _public_post(world)).status_code == 302
    refused = client.post(url, _public_post(world))
    assert refused.status_code == 429
    assert refused["Retry-After"] == "10"

    clock.at += 10
    assert client.post(url, _public_post(world)).status_code == 302
    assert ConcernReport.objects.count() == 3


@pytest.mark.usefixtures("two_posts")
def test_invalid_posts_count_too(world: World, clock: FakeClock) -> None:
    url = reverse("care_public:concern_report")
    client = client_at("192.0.2.10")
    for _ in range(2):
        assert client.post(url, _public_post(world, noticed="")).status_code == 400
    assert client.post(url, _public_post(world)).status_code == 429
    assert not ConcernReport.objects.exists()


def test_a_limit_of_zero_turns_the_limit_off(world: World, clock: FakeClock, settings: Any) -> None:
    settings.AINET_PUBLIC_POST_LIMITS = {**settings.AINET_PUBLIC_POST_LIMITS, "event": 0}
    url = reverse("public:event_detail", args=[make_event(world).pk])
    client = client_at("192.0.2.10")
    assert all(client.post(url, {"name": "山田 花子"}).status_code == 302 for _ in range(12))


@pytest.mark.usefixtures("two_posts")
def test_the_concern_page_says_to_call_119_110_and_the_ward_office(
    world: World, clock: FakeClock
) -> None:
    Organisation.objects.filter(municipality=world.ward, kind=OrganisationKind.WARD_OFFICE).update(
        phone="045-510-1818"
    )
    url = reverse("care_public:concern_report")
    for lang, words in (
        ("ja", ["命に危険", "区役所に電話", "もう一度送って"]),
        ("en", ["call 119 (ambulance, fire) or 110 (police) now", "call the ward office"]),
        ("ko", ["119", "구청에 전화"]),
        ("vi", ["119", "gọi cho văn phòng quận"]),
    ):
        client = client_at("192.0.2.20", lang)
        while (response := client.post(url, _public_post(world))).status_code != 429:
            pass
        page = response.content.decode()
        assert '<a href="tel:045-510-1818">045-510-1818</a>' in page
        assert "鶴見区役所" in page
        for word in words:
            assert word in page, (lang, word)
        client_at_reset(clock)


def client_at_reset(clock: FakeClock) -> None:
    clock.at += WINDOW


@pytest.mark.usefixtures("two_posts")
def test_the_page_of_other_forms_gives_the_contact_without_the_emergency_box(
    world: World, clock: FakeClock
) -> None:
    url = reverse("volunteers_public:register")
    client = client_at("192.0.2.30", "en")
    for _ in range(2):
        client.post(url, _volunteer_post(world))
    page = client.post(url, _volunteer_post(world))
    assert page.status_code == 429
    assert '<html lang="en">' in page.text
    assert "nothing was saved" in page.text
    assert "(police) now" not in page.text.split("<footer")[0]
    assert "Contact the ward office." in page.text  # the demo ward office has no phone


def test_the_hourly_limit_on_stored_reports_answers_with_the_same_page(
    world: World, settings: Any
) -> None:
    settings.AINET_PUBLIC_CONCERNS_PER_HOUR = 1
    client = client_at("192.0.2.40", "en")
    url = reverse("care_public:concern_report")
    assert client.post(url, _public_post(world)).status_code == 302
    response = client.post(url, _public_post(world))
    assert response.status_code == 429
    assert "Please wait before sending again" in response.text
    assert ConcernReport.objects.count() == 1


# --- the client address ----------------------------------------------------------------------


def request_from(remote: str, forwarded: str = "") -> HttpRequest:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().post("/", REMOTE_ADDR=remote, **extra)


def test_x_forwarded_for_is_ignored_unless_a_proxy_is_trusted(settings: Any) -> None:
    settings.AINET_TRUSTED_PROXIES = 0
    request = request_from("10.0.0.1", "203.0.113.5")
    assert ratelimit.client_address(request) == "10.0.0.1"

    settings.AINET_TRUSTED_PROXIES = 1
    assert ratelimit.client_address(request) == "203.0.113.5"
    # A visitor's own forged entry sits to the left of what our proxy appended.
    forged = request_from("10.0.0.1", "198.51.100.1, 203.0.113.5")
    assert ratelimit.client_address(forged) == "203.0.113.5"
    settings.AINET_TRUSTED_PROXIES = 2
    assert ratelimit.client_address(forged) == "198.51.100.1"
    # Fewer entries than trusted proxies: the header cannot be right; the peer is used.
    assert ratelimit.client_address(request) == "10.0.0.1"


@pytest.mark.usefixtures("two_posts")
def test_a_trusted_proxy_makes_each_forwarded_client_count_alone(
    world: World, clock: FakeClock, settings: Any
) -> None:
    settings.AINET_TRUSTED_PROXIES = 1
    url = reverse("care_public:concern_report")
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(2):
        proxy.post(url, _public_post(world), HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert (
        proxy.post(url, _public_post(world), HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    )
    assert (
        proxy.post(url, _public_post(world), HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302
    )


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("not an address", "unknown"),
        ("", "unknown"),
    ],
)
def test_addresses_are_counted_ipv6_by_its_64_block(address: str, key: str) -> None:
    assert ratelimit.client_key(address) == key


@pytest.mark.django_db
def test_a_failing_cache_lets_posts_through(
    monkeypatch: pytest.MonkeyPatch, clock: FakeClock, settings: Any
) -> None:
    def broken(key: str, timeout: int) -> int:
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimit, "_count", broken)
    assert ratelimit.hit(request_from("192.0.2.1"), "concern").allowed


def test_an_unknown_form_name_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="unknown public form"):
        ratelimit.limit_posts("comments")
