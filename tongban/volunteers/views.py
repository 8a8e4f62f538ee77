from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts.access import may_log_visit, may_read_counselling_notes, scope_for, sees_child_files
from tongban.accounts.models import Role
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.children.selectors import access_child, children_visible_to
from tongban.core.forms import Differences, add_service_errors, show_refusal, without_version
from tongban.organisations.models import Organisation
from tongban.organisations.selectors import organisations_visible_to
from tongban.volunteers import services
from tongban.volunteers.forms import (
    PairingEndPageForm,
    PairingForm,
    VisitForm,
    VolunteerEditForm,
    VolunteerForm,
    YearForm,
)
from tongban.volunteers.models import Pairing, Volunteer
from tongban.volunteers.selectors import (
    access_pairing,
    access_volunteer,
    hours_of,
    pairing_form_choices,
    pairings_for_volunteer,
    pairings_visible_to,
    service_record,
    visits_of,
    volunteer_form_choices,
    volunteer_view_of,
    volunteers_visible_to,
    with_hours,
)

PAGE_SIZE = 50



def _year_bounds(request: HttpRequest) -> tuple[int, date, date]:
    form = YearForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_valid() and form.cleaned_data["year"] else date.today().year
    return year, date(year, 1, 1), date(year, 12, 31)


def _staff_only(request: HttpRequest) -> None:
    # Volunteers reach their own pages through "My pairings", never the lists of colleagues.
    if not sees_child_files(request.user):
        raise PermissionDenied


@login_required
def volunteer_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    year, first, last = _year_bounds(request)
    today = date.today()
    qs = with_hours(volunteers_visible_to(request.user), first, last).select_related("team").annotate(
        ongoing=Count("pairings", filter=Q(pairings__starts_on__lte=today)
                      & (Q(pairings__ends_on__isnull=True) | Q(pairings__ends_on__gte=today))))
    team = request.GET.get("team", "")
    if team.isdigit():
        qs = qs.filter(team_id=int(team))
    page = Paginator(qs.order_by("team__name", "name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    teams = organisations_visible_to(request.user).filter(kind=Organisation.Kind.VOLUNTEER_TEAM).order_by("name")
    if not scope_for(request.user).everything:
        teams = teams.filter(scope_for(request.user).region_q("region"))
    return render(request, "volunteers/list.html", {
        "page": page, "year": year, "teams": teams, "team": team,
        "may_write": scope_for(request.user).may_write("volunteer"),
    })


def _volunteer_form(request: HttpRequest, instance: Volunteer | None = None) -> VolunteerForm:
    if instance is None:
        return VolunteerForm(request.POST or None, **volunteer_form_choices(request.user, None))
    return VolunteerEditForm(request.POST or None, instance=instance, initial={"version": instance.version},
                             **volunteer_form_choices(request.user, instance))


@login_required
def volunteer_create(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    if not scope_for(request.user).may_write("volunteer"):
        raise PermissionDenied
    form = _volunteer_form(request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            volunteer = services.volunteer_register(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is now registered as a volunteer.") % {"name": volunteer.name})
            return redirect("volunteers:detail", pk=volunteer.pk)
    return render(request, "volunteers/form.html", {"form": form, "creating": True})


@login_required
def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = access_volunteer(request.user, pk, for_write=True)
    form = _volunteer_form(request, volunteer)
    conflict = None
    if request.method == "POST" and form.is_valid():
        version, data = without_version(form)
        try:
            services.volunteer_update(actor=request.user, volunteer=Volunteer.objects.get(pk=volunteer.pk),
                                      version=version, **data)
        except ValidationError as exc:
            conflict = show_refusal(form, exc, saved_now=lambda: Volunteer.objects.get(pk=volunteer.pk))
        else:
            messages.success(request, _("The volunteer's details have been saved."))
            return redirect("volunteers:detail", pk=volunteer.pk)
    return render(request, "volunteers/form.html", {"form": form, "volunteer": volunteer, "creating": False,
                                                    "conflict": conflict},
                  status=409 if conflict is not None else 200)


@login_required
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    volunteer = access_volunteer(request.user, pk)
    year, first, last = _year_bounds(request)
    pairings = (pairings_visible_to(request.user).filter(volunteer=volunteer).select_related("child", "site")
                .annotate(visit_count=Count("visits")))
    return render(request, "volunteers/detail.html", {
        "volunteer": volunteer, "year": year, "hours_year": hours_of(volunteer, first, last),
        "hours_all": hours_of(volunteer), "pairings": pairings,
        "may_write": scope_for(request.user).may_write("volunteer"),
    })


@login_required
def volunteer_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable certificate of hours served in a year, for the volunteer or their team."""
    volunteer = access_volunteer(request.user, pk)
    year, first, last = _year_bounds(request)
    presences, visits = service_record(volunteer, first, last)
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target=volunteer,
                 changes={"certificate": year})
    return render(request, "volunteers/certificate.html", {
        "volunteer": volunteer, "year": year, "hours": hours_of(volunteer, first, last),
        "presences": presences, "visits": visits, "today": date.today(),
    })


@login_required
def my_pairings(request: HttpRequest) -> HttpResponse:
    """A volunteer's own page: the children they are paired with (pseudonym, age, site), their hours."""
    volunteer = Volunteer.objects.filter(user_id=request.user.pk).select_related("team").first()
    if volunteer is None:
        raise Http404
    year = date.today().year
    return render(request, "volunteers/mine.html", {
        "volunteer": volunteer, "pairings": pairings_for_volunteer(request.user), "year": year,
        "hours_year": hours_of(volunteer, date(year, 1, 1), date(year, 12, 31)), "hours_all": hours_of(volunteer),
    })


@login_required
def pairing_create(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).may_write("pairing"):
        raise PermissionDenied
    child = access_child(request.user, request.GET.get("child"), for_write=True)
    form = PairingForm(request.POST or None, **pairing_form_choices(request.user, child))
    if request.method == "POST" and form.is_valid():
        try:
            pairing = services.pairing_create(actor=request.user, child=child, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The pairing has been set up."))
            return redirect("volunteers:pairing", pk=pairing.pk)
    return render(request, "volunteers/pairing_form.html", {"form": form, "child": child})


@login_required
def pairing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = access_pairing(request.user, pk)
    return _pairing_page(request, pairing, PairingEndPageForm(initial={"version": pairing.version}))


def _pairing_page(request: HttpRequest, pairing: Pairing, end_form: PairingEndPageForm,
                  conflict: Differences | None = None) -> HttpResponse:
    visits = list(visits_of(pairing))
    if scope_for(request.user).role == Role.VOLUNTEER:
        # The volunteer's page gets the volunteer-safe view only; the pairing's child object never reaches it.
        return render(request, "volunteers/pairing_volunteer.html", {
            "pairing": volunteer_view_of(pairing), "visits": visits, "show_notes": True,
            "may_log": may_log_visit(request.user, pairing),
        })
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=pairing)
    scope = scope_for(request.user)
    return render(request, "volunteers/pairing.html", {
        "pairing": pairing, "visits": visits, "may_log": may_log_visit(request.user, pairing),
        # Like counselling notes, what a volunteer tells of a visit is for the people doing the case work.
        "show_notes": may_read_counselling_notes(request.user),
        # After a refused end (ended meanwhile), the form stays, as typed, to end it on this user's terms after all.
        "may_end": scope.may_write("pairing") and (pairing.ends_on is None or conflict is not None),
        "end_form": end_form, "conflict": conflict,
        "child_visible": children_visible_to(request.user).filter(pk=pairing.child_id).exists(),
    }, status=409 if conflict is not None else 200)


@login_required
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = access_pairing(request.user, pk)
    if not may_log_visit(request.user, pairing):
        raise PermissionDenied
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_log(actor=request.user, pairing=pairing, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The visit has been logged. Thank you!"))
            return redirect("volunteers:pairing", pk=pairing.pk)
    is_volunteer = scope_for(request.user).role == Role.VOLUNTEER
    return render(request, "volunteers/visit_form.html", {
        "form": form, "pairing_pk": pairing.pk,
        "pseudonym": pairing.child.pseudonym, "is_volunteer": is_volunteer,
    })


@login_required
@require_POST
def pairing_end(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = access_pairing(request.user, pk, for_write=True)
    form = PairingEndPageForm(request.POST)
    if form.is_valid():
        version, data = without_version(form)
        try:
            services.pairing_end(actor=request.user, pairing=pairing, version=version, **data)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "conflict":
                # The pairing page again, the end form as typed, beside what is saved now.
                conflict = show_refusal(form, exc, saved_now=lambda: Pairing.objects.get(pk=pairing.pk),
                                        columns={"reason": "end_reason"})
                return _pairing_page(request, access_pairing(request.user, pk), form, conflict)
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The pairing has ended."))
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("volunteers:pairing", pk=pairing.pk)
