from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The user name or password is not right. Check both and try again; "
            "after several wrong tries the account is locked for a while."
        ),
        "inactive": _("This account has been switched off. Ask your project admin."),
    }
