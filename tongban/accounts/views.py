from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from tongban.accounts.forms import SignInForm
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
