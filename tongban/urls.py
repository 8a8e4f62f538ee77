from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from tongban.api.main import api
from tongban.core.views import healthz

admin.site.site_header = _("Tongban administration")
admin.site.site_title = _("Tongban")
admin.site.index_title = _("Reference data and accounts")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/tokens/", include("tongban.api.urls")),
    path("accounts/", include("tongban.accounts.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("children/", include("tongban.children.urls")),
    path("volunteers/", include("tongban.volunteers.urls")),
    path("activities/", include("tongban.activities.urls")),
    path("donations/", include("tongban.donations.urls")),
    path("organisations/", include("tongban.organisations.urls")),
    path("cases/", include("tongban.cases.urls")),
    path("exports/", include("tongban.exports.urls")),
    path("statistics/", include("tongban.reports.urls")),
    path("", include("tongban.core.urls")),
]
