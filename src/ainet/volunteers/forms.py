"""Forms of the volunteer centre. They parse and scope the choices to what the user may see;
the rules that keep records consistent live in `services`, whose ValidationError the views put
back on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ainet.community.forms import visible_districts
from ainet.core import access
from ainet.core.dates import today_tokyo
from ainet.core.forms import JapaneseDateField
from ainet.core.models import District, Municipality, Town, User
from ainet.volunteers import matching
from ainet.volunteers.models import (
    DAY_LABELS,
    LANGUAGE_CHOICES,
    PERIOD_LABELS,
    SLOT_CHOICES,
    Certificate,
    Frequency,
    RequesterKind,
    RequestState,
    Skill,
    Volunteer,
    VolunteerRequest,
    VolunteerStatus,
    slot_label,
)
from ainet.volunteers.services import MAX_CAPACITY, MAX_DISTANCE_M

DEFAULT_DISTANCE_M = 1500


class TownChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.district.name}）"


class VocabularyChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return obj.name if not obj.name_en else f"{obj.name} / {obj.name_en}"


def slot_choices() -> list[tuple[str, str]]:
    return [(value, slot_label(value)) for value, _label in SLOT_CHOICES]


class AvailabilityWidget(forms.CheckboxSelectMultiple):
    """Weekday × time band as a table of checkboxes (each labelled for screen readers)."""

    template_name = "volunteers/widgets/availability.html"

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        options = {
            option["value"]: option
            for _group, group_options, _index in context["widget"]["optgroups"]
            for option in group_options
        }
        context["widget"]["period_labels"] = [PERIOD_LABELS[p] for p in matching.PERIODS]
        context["widget"]["rows"] = [
            {"day": DAY_LABELS[d], "options": [options[f"{d}-{p}"] for p in matching.PERIODS]}
            for d in matching.DAYS
        ]
        return context


class SlotChoiceField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=slot_choices, **kwargs)


def towns_of(municipality_ids: Any) -> QuerySet[Town]:
    return (
        Town.objects.filter(municipality_id__in=municipality_ids)
        .select_related("district")
        .order_by("district__sort_order", "name")
    )


def skills_of(municipality_ids: Any) -> QuerySet[Skill]:
    return Skill.objects.filter(municipality_id__in=municipality_ids, is_active=True).order_by(
        "sort_order", "name"
    )


def user_municipality_ids(user: Any) -> list[int]:
    return list(
        Municipality.objects.filter(access.municipality_q(user, "pk")).values_list("pk", flat=True)
    )


class _VolunteerFields(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100)
    name_kana = forms.CharField(label=_("Name (kana)"), max_length=200, required=False)
    town = TownChoiceField(
        label=_("Town block (町丁目)"),
        queryset=Town.objects.none(),
        required=False,
        help_text=_("Only the town block's point is kept for matching, never the home address."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    skills = VocabularyChoiceField(
        label=_("What you can do"),
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.MultipleChoiceField(
        label=_("When you are free"),
        choices=slot_choices,
        required=False,
        widget=AvailabilityWidget,
    )


class VolunteerForm(_VolunteerFields):
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        help_text=_("Taken from the town block when one is chosen."),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    contact_consent = forms.BooleanField(
        label=_("Agrees that the volunteer centre keeps these details and contacts them"),
        required=False,
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Districts where they can help"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when distance alone decides."),
    )
    capacity = forms.IntegerField(
        label=_("Requests at a time"), min_value=0, max_value=MAX_CAPACITY, initial=2
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    field_order = [
        "name",
        "name_kana",
        "town",
        "district",
        "address",
        "phone",
        "email",
        "contact_consent",
        "skills",
        "languages",
        "availability",
        "areas",
        "capacity",
        "notes",
    ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = user_municipality_ids(user)
        districts = visible_districts(user)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        self.fields["areas"].queryset = District.objects.filter(  # type: ignore[attr-defined]
            municipality_id__in=ids
        ).order_by("sort_order")
        self.fields["town"].queryset = towns_of(ids).filter(  # type: ignore[attr-defined]
            district__in=districts
        )
        self.fields["skills"].queryset = skills_of(ids)  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(volunteer: Volunteer) -> dict[str, Any]:
        return {
            "name": volunteer.name,
            "name_kana": volunteer.name_kana,
            "town": volunteer.town_id,
            "district": volunteer.district_id,
            "address": volunteer.address,
            "phone": volunteer.phone,
            "email": volunteer.email,
            "contact_consent": volunteer.contact_consent,
            "skills": list(volunteer.skills.values_list("pk", flat=True)),
            "languages": volunteer.language_list,
            "availability": volunteer.slot_list,
            "areas": list(volunteer.areas.values_list("pk", flat=True)),
            "capacity": volunteer.capacity,
            "notes": volunteer.notes,
        }


class PublicRegistrationForm(_VolunteerFields):
    """No log-in: what a resident tells the volunteer centre to start volunteering."""

    contact_consent = forms.BooleanField(
        label=_(
            "I agree that the Tsurumi volunteer centre (ward social welfare council) keeps these "
            "details to find volunteer activities for me, and contacts me by phone or e-mail. "
            "I can withdraw at any time by telling the centre."
        ),
        required=True,
        error_messages={
            "required": _(
                "Please agree that the volunteer centre may keep your details and contact you; "
                "without it we cannot register you."
            )
        },
    )

    field_order = [
        "name",
        "name_kana",
        "town",
        "phone",
        "email",
        "skills",
        "languages",
        "availability",
        "contact_consent",
    ]

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].required = True
        self.fields["town"].help_text = _(
            "Choose the town block you live in. We keep only the town block, not your address."
        )
        self.fields["town"].queryset = towns_of([municipality.pk])  # type: ignore[attr-defined]
        self.fields["skills"].queryset = skills_of([municipality.pk])  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(
                _("Give a phone number or an e-mail address so that we can contact you.")
            )
        return data


class VolunteerFilterForm(forms.Form):
    q = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100, required=False)
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *VolunteerStatus.choices],
        required=False,
    )
    skill = forms.ModelChoiceField(label=_("Skill"), queryset=Skill.objects.none(), required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any language")), *LANGUAGE_CHOICES], required=False
    )
    slot = forms.ChoiceField(
        label=_("Free at"),
        choices=lambda: [("", _("Any time")), *slot_choices()],
        required=False,
    )
    certificate = forms.ModelChoiceField(
        label=_("Certificate"), queryset=Certificate.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = user_municipality_ids(user)
        self.fields["district"].queryset = visible_districts(user)  # type: ignore[attr-defined]
        self.fields["skill"].queryset = skills_of(ids)  # type: ignore[attr-defined]
        self.fields["certificate"].queryset = Certificate.objects.filter(  # type: ignore[attr-defined]
            municipality_id__in=ids
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (VolunteerStatus.ACTIVE, _("Active again")),
            (VolunteerStatus.PAUSED, _("Paused")),
            (VolunteerStatus.ENDED, _("Ended")),
        ],
    )
    on = JapaneseDateField(label=_("From"), initial=today_tokyo)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CertificateHoldingForm(forms.Form):
    certificate = forms.ModelChoiceField(
        label=_("Certificate"), queryset=Certificate.objects.none()
    )
    obtained_on = JapaneseDateField(label=_("Obtained on"))
    ended_on = JapaneseDateField(label=_("Valid until"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["certificate"].queryset = Certificate.objects.filter(  # type: ignore[attr-defined]
            municipality_id=municipality_id, is_active=True
        )


class VocabularyForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Lower-case letters, digits, hyphens and underscores, such as shopping."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    sort_order = forms.IntegerField(
        label=_("Order in lists"), min_value=0, max_value=32767, initial=100
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        return code.lower()


class RequestForm(forms.Form):
    title = forms.CharField(label=_("What is asked"), max_length=200)
    description = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    requester_kind = forms.ChoiceField(label=_("Who asks"), choices=RequesterKind.choices)
    requester_name = forms.CharField(label=_("Requester"), max_length=200)
    requester_contact = forms.CharField(
        label=_("Requester's contact"), max_length=200, required=False
    )
    beneficiary = forms.CharField(label=_("For whom"), max_length=200, required=False)
    town = TownChoiceField(
        label=_("Town block (町丁目)"), queryset=Town.objects.none(), required=False
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        help_text=_("Taken from the town block when one is chosen."),
    )
    skills = VocabularyChoiceField(
        label=_("Skills needed"),
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("No particular language")), *LANGUAGE_CHOICES],
        required=False,
    )
    slot = SlotChoiceField(label=_("When"))
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices)
    starts_on = JapaneseDateField(label=_("From"), required=False)
    requirements = forms.CharField(
        label=_("Other requirements"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    priority = forms.IntegerField(
        label=_("Priority"),
        min_value=0,
        max_value=matching.MAX_PRIORITY,
        initial=0,
        help_text=_("0 to 100; higher is more urgent. Batch matching serves urgent ones first."),
    )
    coordinator = forms.ModelChoiceField(
        label=_("Coordinator"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = user_municipality_ids(user)
        districts = visible_districts(user)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        self.fields["town"].queryset = towns_of(ids).filter(  # type: ignore[attr-defined]
            district__in=districts
        )
        self.fields["skills"].queryset = skills_of(ids)  # type: ignore[attr-defined]
        self.fields["coordinator"].queryset = coordinators_for(user)  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(req: VolunteerRequest) -> dict[str, Any]:
        fields = [
            "title",
            "description",
            "requester_kind",
            "requester_name",
            "requester_contact",
            "beneficiary",
            "language",
            "slot",
            "frequency",
            "starts_on",
            "requirements",
            "priority",
        ]
        initial = {f: getattr(req, f) for f in fields}
        initial.update(
            town=req.town_id,
            district=req.district_id,
            coordinator=req.coordinator_id,
            skills=list(req.skills.values_list("pk", flat=True)),
        )
        return initial


def coordinators_for(user: Any) -> QuerySet[User]:
    """Staff of the user's municipalities who manage volunteers (the possible coordinators)."""
    from ainet.core.dates import today_tokyo as today
    from ainet.core.models import RoleMembership
    from ainet.core.roles import Role

    memberships = RoleMembership.objects.active_on(today()).filter(
        municipality_id__in=user_municipality_ids(user),
        role__in=[Role.SHAKYO_COORDINATOR, Role.WARD_STAFF, Role.WARD_ADMIN],
    )
    return User.objects.filter(pk__in=memberships.values("user_id"), is_active=True).order_by(
        "username"
    )


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=_("Move to"), choices=RequestState.choices)
    on = JapaneseDateField(label=_("Date"), initial=today_tokyo)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, *args: Any, allowed: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["to_state"].choices = allowed  # type: ignore[attr-defined]


class DistanceForm(forms.Form):
    max_distance_m = forms.IntegerField(
        label=_("Maximum distance (metres)"),
        min_value=1,
        max_value=MAX_DISTANCE_M,
        initial=DEFAULT_DISTANCE_M,
    )


class HoursForm(forms.Form):
    date = JapaneseDateField(label=_("Date"), initial=today_tokyo)
    hours = forms.DecimalField(
        label=_("Hours"), min_value=0.5, max_value=24, decimal_places=1, max_digits=4
    )
    request = forms.ModelChoiceField(
        label=_("Request"), queryset=VolunteerRequest.objects.none(), required=False
    )
    note = forms.CharField(label=_("What was done"), max_length=300, required=False)

    def __init__(self, *args: Any, volunteer: Volunteer, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["request"]
        field.queryset = (
            VolunteerRequest.objects.for_user(user)
            .filter(assignments__volunteer=volunteer)
            .distinct()
        )


class AttendanceForm(forms.Form):
    event: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Exchange meeting or training"), queryset=None
    )

    def __init__(self, *args: Any, user: Any, volunteer: Volunteer, **kwargs: Any) -> None:
        from ainet.community.models import Event, EventKind

        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = (  # type: ignore[attr-defined]
            Event.objects.for_user(user)
            .filter(
                municipality_id=volunteer.municipality_id,
                kind__in=[
                    EventKind.TRAINING,
                    EventKind.FESTIVAL,
                    EventKind.DISCUSSION,
                    EventKind.OTHER,
                ],
            )
            .exclude(volunteer_attendances__volunteer=volunteer)
            .order_by("-date")[:200]
        )


class TrainerChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.district.name if obj.district else '—'}）"


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, initial="認知症サポーター養成講座")
    date = JapaneseDateField(label=_("Date"))
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    audience = forms.CharField(label=_("For whom"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)
    trainers = TrainerChoiceField(
        label=_("Caravan mates teaching"),
        queryset=Volunteer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: Any, trainers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = visible_districts(user)  # type: ignore[attr-defined]
        self.fields["trainers"].queryset = trainers  # type: ignore[attr-defined]


class AttendeeForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100, required=False)
    volunteer = forms.ModelChoiceField(
        label=_("Or a registered volunteer"), queryset=Volunteer.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = (  # type: ignore[attr-defined]
            Volunteer.objects.for_user(user)
            .filter(municipality_id=municipality_id, status=VolunteerStatus.ACTIVE)
            .exclude(registered_on__isnull=True)
            .order_by("name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name") and not data.get("volunteer"):
            raise forms.ValidationError(_("Enter the attendee's name or choose a volunteer."))
        return data
