from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tongban.accounts.forms import SignInForm
from tongban.accounts.services import sign_out_everywhere
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:dashboard")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action=AuditEvent.Action.UPDATE, target=self.request.user,
                     changes={"password": "***"})
        messages.success(self.request, _("Your password has been changed."))
        return response


@login_required
@require_POST
def sign_out_everywhere_view(request: HttpRequest) -> HttpResponse:
    """Every session of this account ends, on this device and on every other one."""
    sign_out_everywhere(actor=request.user, user=request.user)
    logout(request)
    messages.success(request, _("You have been signed out on every device."))
    return redirect("accounts:login")
