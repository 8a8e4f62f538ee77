"""The access matrix: every URL × every member of the demo cast × a record inside and one outside their area.

The URL patterns come from the URL resolver (and, when the API publishes one, the operations of its OpenAPI
schema), so a page is in the matrix the day it is added. A pattern that needs a record in its URL must name one in
EXAMPLES below — otherwise test_every_url_pattern_has_an_example fails and says so: nothing goes untested silently.

What is asserted, for each signed-in member of the cast:
- a record the access door lets them reach (the selector named in the example) is never refused as missing:
  200, a redirect, 403 (visible but read-only) or 405 (then a POST is tried);
- a record outside is refused — 404 or 403, never a page, a file or a write (GET, POST, PUT and PATCH alike);
- a read-only role (bureau officials) posting a plausible form inside its area writes nothing: the audit trail,
  which every service writes to, shows no change and no reveal;
- no page without a record in its URL (lists, search, exports, statistics) shows the name, masked ID number or
  link of a child they may not see, even when searched for by name or filtered to a region and project outside;
and for anonymous visitors: a redirect to sign-in (401 from the API).
"""

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.test import RequestFactory
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from openpyxl import Workbook, load_workbook

from tongban.accounts.access import scope_for
from tongban.accounts.models import Role, User
from tongban.activities.models import Activity, ActivityPhoto
from tongban.activities.selectors import activities_visible_to
from tongban.api.models import ApiToken
from tongban.api.services import token_create
from tongban.audit.models import AuditEvent
from tongban.cases.models import Approval, Attachment, Case, FollowUp, Goal, Referral, ServiceSession, Task
from tongban.cases.selectors import cases_visible_to
from tongban.children.models import Child, FamilyMember, ScreeningBatch
from tongban.children.screening.services import batches_visible_to
from tongban.children.screening.template import EXAMPLE as TEMPLATE_EXAMPLE
from tongban.children.selectors import children_visible_to
from tongban.donations.models import Donation, Donor
from tongban.donations.selectors import donations_visible_to, donors_visible_to
from tongban.exports.models import ExportJob
from tongban.exports.selectors import exports_of
from tongban.exports.storage import store
from tongban.organisations.models import Organisation, Project, Site
from tongban.organisations.selectors import organisations_visible_to, projects_visible_to, sites_visible_to
from tongban.regions.models import Region
from tongban.regions.selectors import regions_visible_to
from tongban.testing import CAST, cast
from tongban.volunteers.models import Pairing, Volunteer
from tongban.volunteers.selectors import pairings_visible_to, volunteers_visible_to

pytestmark = pytest.mark.django_db

# Pages anyone may open without signing in.
PUBLIC = {"healthz", "set_language", "accounts:login", "admin:login", "admin:logout", "admin:jsi18n"}
API_SCHEMA = "/api/v1/openapi.json"
# What a read-only role posts inside its area: the fields the write forms ask for most often.
READ_ONLY_PROBE = {"reason": "核对信息", "decision": "approve", "comment": "同意", "notes": "记录", "confirm": "1"}
WRITES = ("create", "update", "delete", "reveal")
# The methods tried on a URL, in this order (the API changes some records by PUT or PATCH alone).
METHODS = ("get", "post", "put", "patch")


@dataclass(frozen=True)
class Example:
    """How to fill a URL pattern's arguments with a record, and which records a user may reach."""

    visible: Callable[[Any], QuerySet[Any]]  # the access door's selector for this kind of record
    every: Callable[[], QuerySet[Any]]  # all records of this kind
    kwargs: Callable[[Any], dict[str, Any]]


def _pk(record: Model) -> dict[str, Any]:
    return {"pk": record.pk}


def _under(model: type[Model], selector: Callable[[Any], QuerySet[Any]], field: str) -> Callable[[Any], QuerySet[Any]]:
    """Records reached through a parent: family members of the children one may see, sessions of one's cases…"""
    return lambda user: model.objects.filter(**{f"{field}__in": selector(user).values("pk")})  # type: ignore[attr-defined]


CHILD = Example(children_visible_to, Child.objects.all, _pk)
CASE = Example(cases_visible_to, Case.objects.all, _pk)
ACTIVITY = Example(activities_visible_to, Activity.objects.all, _pk)
DONOR = Example(donors_visible_to, Donor.objects.all, _pk)
DONATION = Example(donations_visible_to, Donation.objects.all, _pk)
VOLUNTEER = Example(volunteers_visible_to, Volunteer.objects.all, _pk)
PAIRING = Example(pairings_visible_to, Pairing.objects.all, _pk)
SITE = Example(sites_visible_to, Site.objects.all, _pk)
BATCH = Example(batches_visible_to, ScreeningBatch.objects.all, _pk)
EXPORT = Example(exports_of, ExportJob.objects.all, _pk)
FAMILY_MEMBER = Example(_under(FamilyMember, children_visible_to, "child"), FamilyMember.objects.all,
                        lambda m: {"pk": m.child_id, "member_pk": m.pk})


API_CHILD = Example(children_visible_to, Child.objects.all, lambda c: {"child_id": c.pk})
API_CASE = Example(cases_visible_to, Case.objects.all, lambda c: {"case_id": c.pk})
API_FAMILY_MEMBER = Example(_under(FamilyMember, children_visible_to, "child"), FamilyMember.objects.all,
                            lambda m: {"child_id": m.child_id, "member_id": m.pk})


def _api(selector: Callable[[Any], QuerySet[Any]], model: type[Model], argument: str) -> Example:
    return Example(selector, model.objects.all, lambda r: {argument: r.pk})  # type: ignore[attr-defined]


API_ACTIVITY = _api(activities_visible_to, Activity, "activity_id")
API_PAIRING = _api(pairings_visible_to, Pairing, "pairing_id")
API_DONOR = _api(donors_visible_to, Donor, "donor_id")
API_DONATION = _api(donations_visible_to, Donation, "donation_id")


def _of_case(model: type[Model], name: str) -> Example:
    return Example(_under(model, cases_visible_to, "case"), model.objects.all,  # type: ignore[attr-defined]
                   lambda r: {"pk": r.case_id, name: r.pk})


# Every URL pattern that takes arguments, by name, with the record that fills it. Add yours here.
EXAMPLES: dict[str, Example] = {
    "children:detail": CHILD, "children:print": CHILD, "children:edit": CHILD, "children:family_create": CHILD,
    "children:reveal": CHILD, "children:consent_create": CHILD, "children:verify": CHILD,
    "children:duplicates": CHILD,
    "children:family_edit": FAMILY_MEMBER, "children:family_delete": FAMILY_MEMBER,
    # The other file of a merge is the same child: refused before anything is compared, or refused as itself.
    "children:merge": Example(children_visible_to, Child.objects.all, lambda c: {"pk": c.pk, "other_pk": c.pk}),
    "children:import_preview": BATCH, "children:import_columns": BATCH, "children:import_confirm": BATCH,
    "children:import_progress": BATCH,
    "volunteers:detail": VOLUNTEER, "volunteers:edit": VOLUNTEER, "volunteers:certificate": VOLUNTEER,
    "volunteers:pairing": PAIRING, "volunteers:visit_create": PAIRING, "volunteers:pairing_end": PAIRING,
    "activities:detail": ACTIVITY, "activities:edit": ACTIVITY, "activities:attendance": ACTIVITY,
    "activities:invite": ACTIVITY, "activities:volunteer": ACTIVITY, "activities:photo_upload": ACTIVITY,
    "activities:photo": Example(_under(ActivityPhoto, activities_visible_to, "activity"),
                                ActivityPhoto.objects.all, _pk),
    "donations:donor": DONOR, "donations:create": DONOR,
    "donations:detail": DONATION, "donations:allocate": DONATION, "donations:receipt": DONATION,
    "organisations:site": SITE, "organisations:site_edit": SITE,
    "cases:open": Example(children_visible_to, Child.objects.all, lambda c: {"child_pk": c.pk}),
    "cases:detail": CASE, "cases:print": CASE, "cases:edit": CASE, "cases:move": CASE,
    "cases:assessment_create": CASE, "cases:plan": CASE, "cases:plan_submit": CASE, "cases:session_create": CASE,
    "cases:referral_create": CASE, "cases:transfer": CASE, "cases:close": CASE,
    "cases:task_done": Example(_under(Task, cases_visible_to, "goal__plan__case"), Task.objects.all,
                               lambda t: {"pk": t.goal.plan.case_id, "task_pk": t.pk}),
    "cases:goal_edit": Example(_under(Goal, cases_visible_to, "plan__case"), Goal.objects.all,
                               lambda g: {"pk": g.plan.case_id, "goal_pk": g.pk}),
    "cases:decide": _of_case(Approval, "approval_pk"),
    "cases:session": _of_case(ServiceSession, "session_pk"),
    "cases:referral_update": _of_case(Referral, "referral_pk"),
    "cases:follow_up": _of_case(FollowUp, "follow_up_pk"),
    "cases:attachment": Example(_under(Attachment, cases_visible_to, "session__case"), Attachment.objects.all,
                                lambda a: {"attachment_pk": a.pk}),
    "exports:detail": EXPORT, "exports:download": EXPORT,
    "api_tokens:revoke": Example(lambda user: ApiToken.objects.filter(user=user), ApiToken.objects.all, _pk),
    "api_v1:child_detail": API_CHILD, "api_v1:child_reveal": API_CHILD, "api_v1:child_update": API_CHILD,
    "api_v1:family_list": API_CHILD, "api_v1:family_create": API_CHILD,
    "api_v1:family_detail": API_FAMILY_MEMBER, "api_v1:family_update": API_FAMILY_MEMBER,
    "api_v1:consent_list": API_CHILD, "api_v1:consent_create": API_CHILD, "api_v1:verification_create": API_CHILD,
    "api_v1:case_update": API_CASE,
    "api_v1:case_detail": API_CASE, "api_v1:case_move": API_CASE, "api_v1:plan_submit": API_CASE,
    "api_v1:assessment_create": API_CASE, "api_v1:session_create": API_CASE, "api_v1:referral_create": API_CASE,
    "api_v1:case_transfer": API_CASE, "api_v1:closure_request": API_CASE,
    "api_v1:plan_save": API_CASE, "api_v1:goal_create": API_CASE,
    "api_v1:goal_update": Example(_under(Goal, cases_visible_to, "plan__case"), Goal.objects.all,
                                  lambda g: {"case_id": g.plan.case_id, "goal_id": g.pk}),
    "api_v1:task_create": Example(_under(Goal, cases_visible_to, "plan__case"), Goal.objects.all,
                                  lambda g: {"case_id": g.plan.case_id, "goal_id": g.pk}),
    "api_v1:task_done": Example(_under(Task, cases_visible_to, "goal__plan__case"), Task.objects.all,
                                lambda t: {"case_id": t.goal.plan.case_id, "task_id": t.pk}),
    "api_v1:follow_up_record": Example(_under(FollowUp, cases_visible_to, "case"), FollowUp.objects.all,
                                       lambda f: {"case_id": f.case_id, "follow_up_id": f.pk}),
    "api_v1:referral_status": Example(_under(Referral, cases_visible_to, "case"), Referral.objects.all,
                                      lambda r: {"case_id": r.case_id, "referral_id": r.pk}),
    "api_v1:region_detail": _api(regions_visible_to, Region, "region_id"),
    "api_v1:organisation_detail": _api(organisations_visible_to, Organisation, "organisation_id"),
    "api_v1:project_detail": _api(projects_visible_to, Project, "project_id"),
    "api_v1:site_detail": _api(sites_visible_to, Site, "site_id"),
    "api_v1:activity_detail": API_ACTIVITY, "api_v1:activity_attendance": API_ACTIVITY,
    "api_v1:activity_update": API_ACTIVITY, "api_v1:activity_invite": API_ACTIVITY,
    "api_v1:photo_create": API_ACTIVITY,
    "api_v1:volunteer_detail": _api(volunteers_visible_to, Volunteer, "volunteer_id"),
    "api_v1:volunteer_update": _api(volunteers_visible_to, Volunteer, "volunteer_id"),
    "api_v1:pairing_detail": API_PAIRING, "api_v1:visit_create": API_PAIRING, "api_v1:pairing_end": API_PAIRING,
    "api_v1:donor_detail": API_DONOR, "api_v1:donation_create": API_DONOR,
    "api_v1:donation_detail": API_DONATION, "api_v1:allocation_create": API_DONATION,
    "api_v1:approval_decide": Example(_under(Approval, cases_visible_to, "case"), Approval.objects.all,
                                      lambda a: {"case_id": a.case_id, "approval_id": a.pk}),
}


# Discovery ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pattern:
    name: str  # namespaced name, or the route itself for unnamed patterns
    route: str
    callback: Any
    arguments: tuple[str, ...]

    def path(self, kwargs: dict[str, Any]) -> str:
        url = "/" + self.route
        for key, value in kwargs.items():
            url = re.sub(r"<(?:\w+:)?" + key + ">", str(value), url)
            url = re.sub(r"\(\?P<" + key + r">[^)]*\)", str(value), url)
        return url.replace("^", "").replace("$", "").replace("\\", "")


def url_patterns(patterns: list[Any] | None = None, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}".strip(":") if entry.name else route
            arguments = tuple(entry.pattern.regex.groupindex) + tuple(
                re.findall(r"\(\?P<(\w+)>", prefix))
            yield Pattern(name, route, entry.callback, tuple(dict.fromkeys(arguments)))


def patterns_by_name() -> dict[str, Pattern]:
    return {p.name: p for p in url_patterns()}


def _model_admin(pattern: Pattern) -> Any:
    return getattr(pattern.callback, "model_admin", None)


def admin_example(pattern: Pattern) -> Example | None:
    """Django admin's own patterns are filled from the model admin behind them, with its scoped queryset."""
    model_admin = _model_admin(pattern)
    if model_admin is None and pattern.route.startswith("admin/"):
        # Extra pages of a model admin (a user's password) are wrapped without a reference to it: found by route.
        found = re.match(r"admin/(\w+)/(\w+)/", pattern.route)
        model_admin = next((ma for m, ma in admin.site._registry.items()
                            if found and (m._meta.app_label, m._meta.model_name) == found.groups()), None)
    if len(pattern.arguments) == 1 and pattern.arguments[0] in ("object_id", "id") and model_admin is not None:
        argument = pattern.arguments[0]

        def visible(user: Any) -> QuerySet[Any]:
            request = RequestFactory().get("/admin/")
            request.user = user
            return model_admin.get_queryset(request) if model_admin.has_view_permission(request) else \
                model_admin.model.objects.none()
        return Example(visible, model_admin.model._default_manager.all, lambda r: {argument: r.pk})
    if pattern.name == "admin:app_list":
        return Example(lambda user: Region.objects.none(), lambda: Region.objects.none(), lambda r: {})
    if pattern.arguments == ("url",) and pattern.route.startswith("admin/"):
        # The admin's catch-all (a slash appended, or 404): any path, and nobody is inside it.
        return Example(lambda user: Region.objects.none(), Region.objects.all, lambda r: {"url": "no-such-page/"})
    if pattern.name == "admin:view_on_site":
        kind = ContentType.objects.get_for_model(Child)
        return Example(lambda user: Child.objects.none(), Child.objects.all,
                       lambda c: {"content_type_id": kind.pk, "object_id": c.pk})
    return None


def example_for(pattern: Pattern) -> Example | None:
    return EXAMPLES.get(pattern.name) or admin_example(pattern)


# The records the demo world lacks: one of each in Dalate and one in Urumqi, so that every role has one
# outside and most have one inside.

@pytest.fixture
def extra_records(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path
    default_storage.save("matrix.pdf", ContentFile(b"%PDF-1.7 matrix"))

    for code in ("150621", "650105"):
        region = Region.objects.get(code=code)
        case = Case.objects.filter(child__region__path__startswith=region.path).order_by("pk").first()
        child = case.child if case else Child.objects.filter(region__path__startswith=region.path).first()
        worker = case.worker
        ScreeningBatch.objects.create(project_id=case.project_id, region=region, created_by=worker,
                                      source_name="ledger.xlsx", state=ScreeningBatch.State.DONE)
        session = case.sessions.order_by("pk").first() or ServiceSession.objects.filter(case=case).first()
        if session is not None:
            Attachment.objects.create(session=session, stored_name="matrix.pdf", original_name="session-notes.pdf",
                                      content_type="application/pdf", size=1, uploaded_by=worker)
        activity = Activity.objects.filter(region__path__startswith=region.path).order_by("pk").first()
        photo = ActivityPhoto(activity=activity, caption="矩阵测试照片", uploaded_by=worker)
        photo.image.save("matrix.jpg", ContentFile(b"not really a photo"), save=True)
        assert child is not None
    book = Workbook()
    book.active.append(["矩阵测试导出"])
    content = io.BytesIO()
    book.save(content)
    for username in CAST:
        token_create(actor=cast(username), name="矩阵", scope=ApiToken.Scope.READ_WRITE, days=30)
        ExportJob.objects.create(owner=cast(username), kind=ExportJob.Kind.CHILDREN_LEDGER, file_name="ledger.xlsx",
                                 state=ExportJob.State.DONE, stored_file=store(content.getvalue()))


# The discovery test: nothing goes untested silently ---------------------------------------------------------

def test_every_url_pattern_has_an_example():
    missing = [p for p in url_patterns() if p.arguments and example_for(p) is None]

    assert not missing, (
        "These URL patterns take arguments the access matrix cannot fill: "
        + ", ".join(f"{p.name} ({'/' + p.route})" for p in missing)
        + ". Add an entry to EXAMPLES in tongban/accounts/tests/test_access_matrix.py naming the selector that "
        "decides who may reach the record and how to build the URL's arguments from one record, e.g. "
        "'children:detail': Example(children_visible_to, Child.objects.all, lambda c: {'pk': c.pk})."
    )


def test_every_example_names_a_url_pattern_that_exists():
    assert not set(EXAMPLES) - set(patterns_by_name())


# Requests -----------------------------------------------------------------------------------------------------

def _is_api_description(pattern: Pattern) -> bool:
    # The API's schema and its documentation page describe operations and hold no records.
    return pattern.route.startswith("api/") and pattern.route.rstrip("/").endswith(("openapi.json", "docs"))


def _is_admin(pattern: Pattern) -> bool:
    return pattern.name.startswith("admin:") or pattern.route.startswith("admin/")


def _refused_outside(pattern: Pattern, response: Any) -> bool:
    if response.status_code in (403, 404, 405):  # 405: this method is not taken at all, the other one is tried
        return True
    # Django admin answers a record it will not show with a redirect to its index or sign-in page.
    return _is_admin(pattern) and response.status_code == 302 and response.url.startswith("/admin/")


def _text(response: Any) -> str:
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for v in row if v is not None)
    if content_type.startswith(("text/", "application/json")):
        return response.content.decode(errors="replace")
    return ""


def _label(record: Model) -> str:
    for attr in ("name", "original_name", "caption"):
        value = getattr(record, attr, "")
        if isinstance(value, str) and len(value) >= 2:
            return value
    return ""


@pytest.fixture
def fast_pdfs(monkeypatch):  # type: ignore[no-untyped-def]
    # Who may print is decided before anything is printed; laying out every PDF would only cost time.
    monkeypatch.setattr("weasyprint.HTML.write_pdf", lambda self, *a, **k: b"%PDF-1.7 matrix")


def _inside_and_outside(example: Example, user: User) -> tuple[Model | None, Model | None]:
    visible = example.visible(user)
    inside = visible.order_by("pk").first()
    outside = example.every().exclude(pk__in=visible.values("pk")).order_by("pk").first()
    return inside, outside


@pytest.mark.parametrize("username", CAST)
def test_records_are_reached_inside_the_area_and_refused_outside(client, username, extra_records, fast_pdfs):
    user = cast(username)
    client.force_login(user)
    # Bureau officials read only. (Volunteers have no role-wide rights but write their own visit log.)
    read_only = scope_for(user).role == Role.BUREAU
    failures: list[str] = []
    for pattern in url_patterns():
        example = example_for(pattern)
        if not pattern.arguments or example is None:
            continue
        inside, outside = _inside_and_outside(example, user)
        if outside is not None:
            url = pattern.path(example.kwargs(outside))
            statuses = []
            for method in METHODS:
                response = getattr(client, method)(url)
                statuses.append(response.status_code)
                if not _refused_outside(pattern, response):
                    failures.append(f"{method.upper()} {url} ({pattern.name}) outside the area: "
                                    f"{response.status_code}")
                label = _label(outside)
                if label and label in _text(response):
                    failures.append(f"{method.upper()} {url} ({pattern.name}) shows {label!r} from outside")
            if set(statuses) == {405}:
                failures.append(f"{url} ({pattern.name}) takes none of {METHODS}: teach the matrix its method")
        if inside is not None:
            url = pattern.path(example.kwargs(inside))
            for method in METHODS:  # the first method the URL takes
                response = getattr(client, method)(url)
                if response.status_code != 405:
                    break
            # 422 is the API's answer to an incomplete form, as 400 is a page's.
            if response.status_code not in (200, 302, 400, 403, 422):
                failures.append(f"{url} ({pattern.name}) inside the area: {response.status_code}")
            if read_only and not _is_admin(pattern):
                # A read-only role writes nothing, even inside its area and with a plausible form: whatever the
                # page answers, the audit trail (which every service writes to) shows no change and no reveal.
                last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                getattr(client, "post" if method == "get" else method)(url, READ_ONLY_PROBE)
                written = list(AuditEvent.objects.filter(pk__gt=last, actor=user, action__in=WRITES)
                               .values_list("action", "target_type"))
                if written:
                    failures.append(f"POST {url} ({pattern.name}) by a read-only role wrote {written}")

    assert not failures, f"{username}:\n" + "\n".join(failures)


def test_anonymous_visitors_are_sent_to_sign_in(client, extra_records):
    failures: list[str] = []
    for pattern in url_patterns():
        if pattern.name in PUBLIC or _is_api_description(pattern):
            continue
        example = example_for(pattern)
        if pattern.arguments:
            record = example.every().order_by("pk").first() if example else None
            if record is None:
                continue
            url = pattern.path(example.kwargs(record))
        else:
            url = pattern.path({})
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            expected = 401 if url.startswith("/api/") else 302
            if response.status_code == 405 and (method == "get" or url.startswith("/api/")):
                # A page that only takes a POST (signing out) says nothing to anybody on a GET; an API operation
                # answers a method it does not take before it asks who is calling, and says nothing either.
                continue
            if response.status_code != expected or (expected == 302 and "login" not in response.url):
                failures.append(f"{method.upper()} {url} ({pattern.name}): {response.status_code}")

    assert not failures, "\n".join(failures)


# Lists, search, exports and statistics never show a child from outside --------------------------------------

def _other_people_names() -> set[str]:
    names = set(User.objects.values_list("first_name", flat=True)) | set(
        User.objects.values_list("last_name", flat=True))
    names |= set(Donor.objects.values_list("name", flat=True)) | set(Volunteer.objects.values_list("name", flat=True))
    names |= set(FamilyMember.objects.values_list("name", flat=True))
    names |= {v for v in TEMPLATE_EXAMPLE.values() if isinstance(v, str)}  # the import template's example row
    names |= set(Region.objects.values_list("name", flat=True))  # a child named 赛音, a village named 赛音乌苏
    return {n for n in names if n}


def forbidden_strings(user: User) -> tuple[set[str], set[int]]:
    """Names and masked ID numbers of the children a user may not see, and their ids.

    A name that is also someone else's (a donor, a volunteer, a family member) or part of a place's, or part of a
    name the user may see, is left out: finding it would prove nothing."""
    visible = children_visible_to(user)
    allowed = set(visible.values_list("name", flat=True)) | set(Child.objects.values_list("pseudonym", flat=True))
    allowed |= _other_people_names()
    outside = Child.objects.exclude(pk__in=visible.values("pk"))
    names = {n for n in outside.values_list("name", flat=True)
             if len(n) >= 2 and not any(n in other for other in allowed)}
    masked = {m for m in outside.values_list("id_masked", flat=True) if m}
    return names | masked, set(outside.values_list("pk", flat=True))


def _leaks(text: str, forbidden: set[str], outside_pks: set[int]) -> list[str]:
    # What the user typed comes back in the search box: that says nothing about who is on file.
    text = re.sub(r'value="[^"]*"', "", text)
    found = sorted(s for s in forbidden if s in text)
    linked = {int(pk) for pk in re.findall(r"/children/(\d+)/", text)} & outside_pks
    return found + [f"/children/{pk}/" for pk in sorted(linked)]


@pytest.mark.parametrize("username", CAST)
def test_lists_search_exports_and_statistics_show_no_child_from_outside(client, username):
    user = cast(username)
    client.force_login(user)
    forbidden, outside_pks = forbidden_strings(user)
    searched = sorted(n for n in forbidden if not n[0].isdigit())[:3]
    outside_child = Child.objects.exclude(pk__in=children_visible_to(user).values("pk")).order_by("pk").first()
    elsewhere = f"region={outside_child.region_id}&project={outside_child.project_id}" if outside_child else ""
    failures: list[str] = []
    for pattern in url_patterns():
        if pattern.arguments or pattern.name in {"accounts:logout", "admin:logout"}:
            continue
        base = pattern.path({})
        urls = [base]
        while urls:
            url = urls.pop()
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(f"{url}: {response.status_code}")
            text = _text(response)
            leaks = _leaks(text, forbidden, outside_pks)
            if leaks:
                failures.append(f"{url} shows {leaks[:5]}")
            # A page with a search box, or a spreadsheet its filters reach: search it for children from outside.
            if url == base and ('name="q"' in text or "spreadsheetml" in response.get("Content-Type", "")):
                urls += [f"{base}?q={name}" for name in searched]
            if url == base and elsewhere and 'name="region"' in text:  # filters pointed at a place outside
                urls.append(f"{base}?{elsewhere}")

    assert not failures, f"{username}:\n" + "\n".join(failures)


def test_the_matrix_knows_what_is_outside_for_everyone():
    # Without a record outside their area, a member of the cast would pass the matrix without being tested.
    for username in CAST:
        if username == "admin":
            continue
        _, outside = _inside_and_outside(CHILD, cast(username))
        assert outside is not None, username


# The API: every operation of its OpenAPI schema, with every method it takes --------------------------------

def api_operations(client: Any) -> list[tuple[str, str, Pattern | None]]:
    """(method, path template, URL pattern) of every operation the API describes; none while there is no API."""
    try:
        resolve(API_SCHEMA)
    except Resolver404:
        return []
    client.force_login(cast("admin"))
    schema = client.get(API_SCHEMA).json()
    client.logout()
    by_name = patterns_by_name()
    operations = []
    for path, methods in schema.get("paths", {}).items():
        # The path's parameters filled with 1 find the URL pattern, and with it the example that fills them.
        match = resolve(re.sub(r"{\w+}", "1", path))
        for method in methods:
            if method in ("get", "post", "put", "patch", "delete"):
                operations.append((method, path, by_name.get(match.view_name)))
    return operations


def _api_url(path: str, example: Example | None, record: Model | None) -> str | None:
    if "{" not in path:
        return path
    if example is None or record is None:
        return None
    kwargs = example.kwargs(record)
    return re.sub(r"{(\w+)}", lambda m: str(kwargs[m.group(1)]), path)


@pytest.mark.parametrize("username", CAST)
def test_api_operations_refuse_records_outside_the_area(client, username, extra_records):
    operations = api_operations(client)
    if not operations:
        pytest.skip(f"no API schema at {API_SCHEMA} yet")
    user = cast(username)
    client.force_login(user)
    failures: list[str] = []
    for method, path, pattern in operations:
        example = example_for(pattern) if pattern else None
        if "{" in path and example is None:
            failures.append(f"{method.upper()} {path}: no example in EXAMPLES for {pattern and pattern.name}")
            continue
        if "{" not in path:
            continue
        _, outside = _inside_and_outside(example, user)
        url = _api_url(path, example, outside)
        if url is None:
            continue
        response = getattr(client, method)(url, data={}, content_type="application/json")
        if response.status_code not in (403, 404, 405):
            failures.append(f"{method.upper()} {url} outside the area: {response.status_code}")
        label = _label(outside)
        if label and label in _text(response):
            failures.append(f"{method.upper()} {url} shows {label!r} from outside")

    assert not failures, f"{username}:\n" + "\n".join(failures)


def test_api_operations_answer_anonymous_callers_with_401(client, extra_records):
    operations = api_operations(client)
    if not operations:
        pytest.skip(f"no API schema at {API_SCHEMA} yet")
    failures = []
    for method, path, pattern in operations:
        example = example_for(pattern) if pattern else None
        url = _api_url(path, example, example.every().order_by("pk").first() if example else None)
        if url is None or url.rstrip("/").endswith(("openapi.json", "docs")):
            continue
        response = getattr(client, method)(url, data={}, content_type="application/json")
        if response.status_code != 401:
            failures.append(f"{method.upper()} {url}: {response.status_code}")

    assert not failures, "\n".join(failures)
