from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts.access import scope_for, sees_child_files
from tongban.activities import services
from tongban.activities.forms import (
    ActivityFilterForm,
    ActivityForm,
    ActivityPageEditForm,
    AttendanceForm,
    BirthdayForm,
    InviteForm,
    PhotoForm,
    VolunteerHoursForm,
)
from tongban.activities.models import Activity, ActivityPhoto
from tongban.activities.selectors import (
    access_activity,
    activities_visible_to,
    attendance_of,
    birthday_party_of,
    birthdays,
    invitable_children,
    turnout,
    with_counts,
)
from tongban.children.selectors import children_visible_to, search_children
from tongban.core.forms import add_service_errors, show_refusal, without_version
from tongban.organisations.selectors import access_site, projects_visible_to, sites_visible_to
from tongban.regions.selectors import regions_visible_to
from tongban.volunteers.selectors import volunteers_visible_to

PAGE_SIZE = 50
INVITE_SEARCH_LIMIT = 30



def _staff_only(request: HttpRequest) -> None:
    if not sees_child_files(request.user):
        raise PermissionDenied


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    sites = sites_visible_to(request.user)
    form = ActivityFilterForm(request.GET or None, sites=sites)
    qs = activities_visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        for field in ("site", "type", "brand_line", "status"):
            if data[field]:
                qs = qs.filter(**{field: data[field]})
        if data["first"]:
            qs = qs.filter(held_on__gte=data["first"])
        if data["last"]:
            qs = qs.filter(held_on__lte=data["last"])
    qs = with_counts(qs).select_related("type", "site", "brand_line", "region")
    page = Paginator(qs.order_by("-held_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "activities/list.html", {
        "page": page, "form": form, "query": query.urlencode(),
        "may_write": scope_for(request.user).may_write("activity"),
    })


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    if not scope_for(request.user).may_write("activity"):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, projects=projects_visible_to(request.user),
                        sites=sites_visible_to(request.user), regions=regions_visible_to(request.user),
                        initial={"site": request.GET.get("site"), "held_on": date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_plan(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The activity has been planned."))
            return redirect("activities:detail", pk=activity.pk)
    return render(request, "activities/form.html", {"form": form, "creating": True})


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_activity(request.user, pk, for_write=True)
    form = ActivityPageEditForm(request.POST or None, instance=activity, initial={"version": activity.version})
    conflict = None
    if request.method == "POST" and form.is_valid():
        version, data = without_version(form)
        try:
            services.activity_update(actor=request.user, activity=Activity.objects.get(pk=activity.pk),
                                     version=version, **data)
        except ValidationError as exc:
            conflict = show_refusal(form, exc, saved_now=lambda: Activity.objects.get(pk=activity.pk))
        else:
            messages.success(request, _("The activity has been saved."))
            return redirect("activities:detail", pk=activity.pk)
    return render(request, "activities/form.html", {"form": form, "activity": activity, "creating": False,
                                                    "conflict": conflict},
                  status=409 if conflict is not None else 200)


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    activity = access_activity(request.user, pk)
    rows = list(attendance_of(activity))
    # Names only of the children whose files this user may open; the others by pseudonym.
    visible = set(children_visible_to(request.user).filter(pk__in=[a.child_id for a in rows])
                  .values_list("pk", flat=True))
    may_write = scope_for(request.user).may_write("activity")
    return render(request, "activities/detail.html", {
        "activity": activity, "turnout": turnout(activity), "rows": rows, "visible": visible,
        "presences": activity.volunteers_present.select_related("volunteer__team"),
        "photos": activity.photos.all(), "may_write": may_write,
        "attendance_form": AttendanceForm(rows=rows, initial={
            "attended": [a.child_id for a in rows if a.attended], "walk_ins": activity.walk_ins,
            "summary": activity.summary}),
        "hours_form": VolunteerHoursForm(volunteers=_volunteers_for(request.user, activity)),
        "photo_form": PhotoForm(), "may_record": may_write and activity.held_on <= date.today(),
    })


def _volunteers_for(user: Any, activity: Activity) -> Any:
    return volunteers_visible_to(user).active().select_related("team").order_by("team__name", "name")


@login_required
@require_POST
def activity_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_activity(request.user, pk, for_write=True)
    form = AttendanceForm(request.POST, rows=list(activity.attendance.all()))
    if form.is_valid():
        try:
            services.attendance_record(actor=request.user, activity=activity, attended=form.cleaned_data["attended"],
                                       walk_ins=form.cleaned_data["walk_ins"], summary=form.cleaned_data["summary"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The attendance has been recorded."))
    else:
        messages.error(request, _("The attendance could not be recorded: check the number of walk-ins."))
    return redirect("activities:detail", pk=activity.pk)


@login_required
def activity_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Find registered children of the activity's project and area by name or pseudonym, and invite them."""
    activity = access_activity(request.user, pk, for_write=True)
    text = request.GET.get("q", "").strip()
    candidates = invitable_children(request.user, activity)
    found = list(search_children(candidates, text).exclude(attendances__activity=activity)
                 .only("name", "pseudonym", "birth_date").order_by("name_pinyin", "pk")[:INVITE_SEARCH_LIMIT])
    if request.method == "POST":
        form = InviteForm(request.POST, choices=[int(v) for v in request.POST.getlist("children") if v.isdigit()])
        if form.is_valid():
            try:
                added = services.children_invite(actor=request.user, activity=activity, children=list(
                    candidates.filter(pk__in=form.cleaned_data["children"])))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("%(n)s children invited.") % {"n": added})
                return redirect("activities:detail", pk=activity.pk)
    return render(request, "activities/invite.html", {"activity": activity, "found": found, "q": text})


@login_required
@require_POST
def activity_volunteer(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_activity(request.user, pk, for_write=True)
    form = VolunteerHoursForm(request.POST, volunteers=_volunteers_for(request.user, activity))
    if form.is_valid():
        try:
            services.volunteer_hours_record(actor=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The volunteer's hours have been recorded."))
    else:
        messages.error(request, _("Choose a volunteer and give between 0.5 and 24 hours."))
    return redirect("activities:detail", pk=activity.pk)


@login_required
@require_POST
def activity_photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_activity(request.user, pk, for_write=True)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.photo_add(actor=request.user, activity=activity, upload=form.cleaned_data["image"],
                               caption=form.cleaned_data["caption"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The photo has been added."))
    else:
        messages.error(request, _("Choose a photo to upload."))
    return redirect("activities:detail", pk=activity.pk)


@login_required
def activity_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo, served only to those who may see its activity (children's photos are never public media)."""
    _staff_only(request)
    photo = get_object_or_404(ActivityPhoto, pk=pk, activity__in=activities_visible_to(request.user))
    try:
        response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    except FileNotFoundError:
        raise Http404 from None
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def birthday_list(request: HttpRequest) -> HttpResponse:
    """Children of a site with birthdays in a month; one button creates the month's party with them invited."""
    _staff_only(request)
    sites = sites_visible_to(request.user).order_by("name")
    form = BirthdayForm(request.POST or request.GET or None, sites=sites)
    children, party, site = [], None, None
    if form.is_valid():
        site = access_site(request.user, form.cleaned_data["site"].pk)
        year, month = form.cleaned_data["year"], form.cleaned_data["month"]
        if request.method == "POST":
            try:
                party = services.birthday_party_create(actor=request.user, site=site, year=year, month=month)
            except PermissionDenied:
                raise
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The birthday party has been created with %(n)s children invited.")
                                 % {"n": party.attendance.count()})
                return redirect("activities:detail", pk=party.pk)
        children = list(birthdays(request.user, site, month))
        party = birthday_party_of(site, year, month)
    return render(request, "activities/birthdays.html", {
        "form": form, "children": children, "party": party, "site": site,
        "may_write": scope_for(request.user).may_write("activity"),
    })
