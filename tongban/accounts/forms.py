from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    # A switched-off account gets the same answer as a wrong password: the page
    # never confirms which user names exist.
    error_messages = {
        "invalid_login": _(
            "The user name or password is not right. Check both and try again; "
            "after several wrong tries the account is locked for a while."
        ),
    }
