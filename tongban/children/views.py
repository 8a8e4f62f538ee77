from copy import copy
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts.access import scope_for
from tongban.activities.selectors import attendance_for_child
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.cases.selectors import child_timeline
from tongban.cases.wording import timeline_line
from tongban.children import rules, services
from tongban.children.forms import (
    ChildFilterForm,
    ChildForm,
    ConsentForm,
    FamilyMemberEditForm,
    FamilyMemberForm,
    RevealForm,
    VerificationForm,
    child_form_choices,
)
from tongban.children.models import Child, FamilyMember
from tongban.children.selectors import (
    access_child,
    category_names,
    child_file,
    children_visible_to,
    duplicate_candidates,
    filter_children,
    search_children,
)
from tongban.children.wording import child_line
from tongban.core.forms import add_service_errors, show_refusal, without_version
from tongban.core.links import link_maker
from tongban.core.paging import CappedPaginator
from tongban.core.pdf import pdf_response
from tongban.regions.selectors import regions_visible_to

PAGE_SIZE = 50


def _list_queryset(request: HttpRequest) -> tuple[Any, ChildFilterForm]:
    form = ChildFilterForm(request.GET or None, regions=regions_visible_to(request.user))
    qs = children_visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        qs = search_children(qs, data["q"] or "")
        qs = filter_children(qs, region=data["region"], category=data["category"], risk=data["risk"],
                             status=data["status"], sex=data["sex"], ethnicity=data["ethnicity"],
                             age_min=data["age_min"], age_max=data["age_max"])
        if data["batch"]:
            qs = qs.filter(screening_batch_id=data["batch"])
    return qs, form


@login_required
def child_list(request: HttpRequest) -> HttpResponse:
    if scope_for(request.user).is_empty:
        raise PermissionDenied
    qs, form = _list_queryset(request)
    # Only the columns the list shows: sorting narrow rows is what keeps a long list fast.
    qs = qs.select_related("region__parent").only(
        "name", "name_pinyin", "sex", "birth_date", "risk", "status", "id_masked",
        "region__name", "region__parent__name")
    page = CappedPaginator(qs.order_by("name_pinyin", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    detail = link_maker("children:detail")
    categories = category_names(page)
    return render(request, "children/list.html", {
        "page": page, "lines": [child_line(child, detail(child.pk), categories[child.pk]) for child in page],
        "form": form,
        "query": query.urlencode(), "today": date.today(),
        "may_write": scope_for(request.user).may_write("child"),
        "may_reveal": scope_for(request.user).may_reveal(),
    })


@login_required
def child_create(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).may_write("child"):
        raise PermissionDenied
    form = ChildForm(request.POST or None, **child_form_choices(request.user))
    candidates: list[Any] = []
    elsewhere = 0
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_register(
                actor=request.user, id_number=form.cleaned_data["id_number"],
                confirmed_new=form.cleaned_data["confirmed_new"],
                categories=list(form.cleaned_data["recorded_categories"]), **form.service_fields())
        except services.DuplicateSuspected as exc:
            # Files outside the user's area are counted, never shown: no name, birth date or place leaks.
            visible = set(children_visible_to(request.user).filter(pk__in=[c.pk for c, _why in exc.candidates])
                          .values_list("pk", flat=True))
            candidates = [(c, why) for c, why in exc.candidates if c.pk in visible]
            elsewhere = len(exc.candidates) - len(candidates)
            form.add_error(None, exc.messages[0])
            form.data = form.data.copy()
            form.data["confirmed_new"] = "on"
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The file of %(name)s has been opened.") % {"name": child.name})
            return redirect("children:detail", pk=child.pk)
    return render(request, "children/form.html", {"form": form, "candidates": candidates, "elsewhere": elsewhere,
                                                  "creating": True})



@login_required
def child_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The file as PDF (一人一档), through the same door as the file page; ?outsiders=1 for outsiders."""
    from tongban.cases.printing import child_file_pdf

    child = child_file(request.user, pk)
    outsider = request.GET.get("outsiders") == "1"
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=child,
                 changes={"printed": "pdf", "for_outsiders": outsider})
    name = child.pseudonym if outsider else child.name
    return pdf_response(child_file_pdf(request.user, child, outsider=outsider), f"一人一档-{name}.pdf")


@login_required
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_file(request.user, pk)
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=child)
    family = list(child.family.all())
    today = date.today()
    findings = {f.rule: f.reason for f in rules.evaluate(child, family, today)}
    categories = [(cc, findings.get(cc.category.rule, cc.reason) if cc.category.rule else "")
                  for cc in child.categories.all()]
    scope = scope_for(request.user)
    timeline = child_timeline(request.user, child)
    return render(request, "children/detail.html", {
        "child": child, "family": family, "categories": categories, "today": today,
        "consents": list(child.consents.all()), "consent_missing": services.consent_missing(child, today),
        "timeline": timeline, "timeline_lines": [timeline_line(e) for e in timeline],
        "open_case": next((e.obj for e in timeline if e.kind == "case_opened" and e.obj.is_open), None),
        "may_open_case": scope.may_write("case"),
        "attendances": attendance_for_child(child)[:50],
        "pairings": child.pairings.select_related("volunteer__team").order_by("-starts_on"),
        "may_pair": scope.may_write("pairing"),
        "may_write": scope.may_write("child"), "may_reveal": scope.may_reveal(),
        "reveal_form": RevealForm(),
    })


@login_required
def child_edit(request: HttpRequest, pk: int) -> HttpResponse:
    child = access_child(request.user, pk, for_write=True)
    form = ChildForm(request.POST or None, instance=child, **child_form_choices(request.user))
    changed: list[tuple[Any, Any, Any]] = []
    # The version the page was loaded with travels with every re-shown form, until a conflict shows the saved one.
    version = child.version if request.method != "POST" else request.POST.get("version", "0")
    conflict = False
    if request.method == "POST" and form.is_valid():
        id_number = form.cleaned_data["id_number"]
        try:
            services.child_update(
                actor=request.user, child=Child.objects.get(pk=child.pk),
                version=int(version) if str(version).isdigit() else 0,
                id_number=id_number if id_number else None,
                categories=list(form.cleaned_data["recorded_categories"]), **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
            if getattr(exc, "code", None) == "conflict":
                conflict = True
                saved = Child.objects.get(pk=child.pk)
                changed, version = _differences(form, saved), saved.version
        else:
            messages.success(request, _("The file has been saved."))
            return redirect("children:detail", pk=child.pk)
    return render(request, "children/form.html", {"form": form, "child": child, "creating": False,
                                                  "changed": changed, "version": version},
                  status=409 if conflict else 200)


def _differences(form: ChildForm, saved: Child) -> list[tuple[Any, Any, Any]]:
    """What is saved now beside what this user typed, for the fields where they differ."""
    rows = []
    for name, typed in form.service_fields().items():
        now = getattr(saved, name, None)
        if now != typed and name in form.fields:
            field = form.fields[name]
            choices = dict(getattr(field, "choices", []) or [])
            shown_now = choices.get(now, now) if not hasattr(now, "pk") else now
            shown_typed = choices.get(typed, typed) if not hasattr(typed, "pk") else typed
            rows.append((field.label, shown_now, shown_typed))
    return rows


@login_required
def family_edit(request: HttpRequest, pk: int, member_pk: int | None = None) -> HttpResponse:
    child = access_child(request.user, pk, for_write=True)
    member = get_object_or_404(FamilyMember, pk=member_pk, child=child) if member_pk else None
    # The form validates on a copy: the service compares the member as saved with what was typed, and audits that.
    form = (FamilyMemberForm(request.POST or None) if member is None else
            FamilyMemberEditForm(request.POST or None, instance=copy(member), initial={"version": member.version}))
    conflict = None
    if request.method == "POST" and form.is_valid():
        version, data = without_version(form) if member is not None else (None, dict(form.cleaned_data))
        phone = data.pop("phone")
        try:
            services.family_member_save(actor=request.user, child=child, member=member, version=version,
                                        phone=phone if phone or member is None else None, **data)
        except ValidationError as exc:
            conflict = show_refusal(form, exc, saved_now=lambda: FamilyMember.objects.get(pk=member_pk))
        else:
            messages.success(request, _("The family details have been saved."))
            return redirect("children:detail", pk=child.pk)
    return render(request, "children/family_form.html", {"form": form, "child": child, "member": member,
                                                         "conflict": conflict},
                  status=409 if conflict is not None else 200)


@login_required
@require_POST
def family_delete(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    child = access_child(request.user, pk, for_write=True)
    member = get_object_or_404(FamilyMember, pk=member_pk, child=child)
    services.family_member_delete(actor=request.user, member=member)
    messages.success(request, _("The family member has been removed from the file."))
    return redirect("children:detail", pk=child.pk)


@login_required
@require_POST
def child_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    child = access_child(request.user, pk)
    form = RevealForm(request.POST)
    number = ""
    if form.is_valid():
        try:
            number = services.child_reveal_id(actor=request.user, child=child, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
    response = render(request, "children/_reveal.html", {"child": child, "number": number, "reveal_form": form})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    child = access_child(request.user, pk, for_write=True)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(actor=request.user, child=child, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The guardian's consent has been recorded."))
            return redirect("children:detail", pk=child.pk)
    return render(request, "children/consent_form.html", {"form": form, "child": child})


@login_required
def child_verify(request: HttpRequest, pk: int) -> HttpResponse:
    child = access_child(request.user, pk, for_write=True)
    initial = {name: getattr(child, name) for name in VerificationForm.CORRECTABLE}
    form = VerificationForm(request.POST or None, initial={**initial, "visited_on": date.today(),
                                                           "version": child.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        corrections = {name: data[name] for name in VerificationForm.CORRECTABLE}
        try:
            services.home_verification_record(
                actor=request.user, child=child, visited_on=data["visited_on"], child_seen=data["child_seen"],
                guardian_present=data["guardian_present"], notes=data["notes"], corrections=corrections,
                version=data["version"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The home verification has been recorded."))
            return redirect("children:detail", pk=child.pk)
    return render(request, "children/verify.html", {"form": form, "child": child})


@login_required
def child_duplicates(request: HttpRequest, pk: int) -> HttpResponse:
    child = access_child(request.user, pk, for_write=True)
    found = duplicate_candidates(name=child.name, birth_date=child.birth_date, region=child.region,
                                 id_digest=child.id_digest, exclude_pk=child.pk)
    # Only files this user may see are offered: a match elsewhere is not disclosed.
    visible = set(children_visible_to(request.user).filter(pk__in=[c.pk for c, _why in found])
                  .values_list("pk", flat=True))
    candidates = [(c, why) for c, why in found if c.pk in visible]
    return render(request, "children/duplicates.html", {"child": child, "candidates": candidates})


@login_required
@require_POST
def child_merge(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    keep = access_child(request.user, pk, for_write=True)
    drop = access_child(request.user, other_pk, for_write=True)
    if request.POST.get("decision") == "different":
        services.duplicates_mark_different(actor=request.user, first=keep, second=drop)
        messages.success(request, _("Noted: these are two different children."))
    else:
        try:
            services.children_merge(actor=request.user, keep=keep, drop=drop)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("children:duplicates", pk=keep.pk)
        messages.success(request, _("The two files have been merged into this one."))
    return redirect("children:detail", pk=keep.pk)
