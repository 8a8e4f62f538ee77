from django.urls import path

from tongban.organisations import views

app_name = "organisations"
urlpatterns = [
    path("sites/", views.site_list, name="sites"),
    path("sites/<int:pk>/", views.site_detail, name="site"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("partners/", views.partner_list, name="partners"),
]
