from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tongban.accounts.access import scope_for, sees_child_files
from tongban.accounts.models import Role, User
from tongban.activities.selectors import activities_visible_to, children_of_site, with_counts
from tongban.organisations import services
from tongban.organisations.forms import SiteForm
from tongban.organisations.models import Organisation, Site
from tongban.organisations.selectors import access_site, organisations_visible_to, sites_visible_to


def _staff_only(request: HttpRequest) -> None:
    if not sees_child_files(request.user):
        raise PermissionDenied


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    today = date.today()
    sites = (sites_visible_to(request.user).select_related("project", "region__parent")
             .annotate(staff_count=Count("staff", distinct=True),
                       activities_this_year=Count("activities", distinct=True, filter=Q(
                           activities__held_on__year=today.year, activities__status="held")))
             .order_by("project__name", "region__code", "name"))
    return render(request, "organisations/sites.html", {"sites": sites})


@login_required
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    site = access_site(request.user, pk)
    recent = with_counts(activities_visible_to(request.user).filter(site=site)).select_related("type")
    return render(request, "organisations/site.html", {
        "site": site, "staff": site.staff.all(), "activities": recent.order_by("-held_on", "-pk")[:20],
        "children": children_of_site(site).count(), "may_write": scope_for(request.user).may_write("site"),
        "may_plan": scope_for(request.user).may_write("activity"), "month": date.today().month,
        "year": date.today().year,
    })


@login_required
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = access_site(request.user, pk, for_write=True)
    staff = User.objects.filter(role__in=[Role.TEAM_LEAD, Role.WORKER], is_active=True, team__project=site.project,
                                team__region__in=[r for r in _ancestors(site)])
    form = SiteForm(request.POST or None, instance=site, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.site_update(actor=request.user, site=Site.objects.get(pk=site.pk), staff=list(data.pop("staff")),
                                 **data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The site has been saved."))
            return redirect("organisations:site", pk=site.pk)
    return render(request, "organisations/site_form.html", {"form": form, "site": site})


def _ancestors(site: Site) -> Any:
    from tongban.regions.models import Region

    return Region.objects.filter(code__in=site.region.ancestor_codes())


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    """The social organisations and volunteer teams incubated by the contractor, in the user's area."""
    _staff_only(request)
    partners = (organisations_visible_to(request.user)
                .filter(incubated_by__isnull=False,
                        kind__in=[Organisation.Kind.SOCIAL_ORG, Organisation.Kind.VOLUNTEER_TEAM])
                .select_related("region", "incubated_by").annotate(volunteer_count=Count("volunteers"))
                .order_by("kind", "region__code", "name"))
    kind = request.GET.get("kind", "")
    if kind in (Organisation.Kind.SOCIAL_ORG, Organisation.Kind.VOLUNTEER_TEAM):
        partners = partners.filter(kind=kind)
    return render(request, "organisations/partners.html", {"partners": partners, "kind": kind})
