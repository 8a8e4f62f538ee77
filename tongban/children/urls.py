from django.urls import include, path

from tongban.children import views

app_name = "children"
urlpatterns = [
    path("", views.child_list, name="list"),
    path("new/", views.child_create, name="create"),
    path("<int:pk>/", views.child_detail, name="detail"),
    path("<int:pk>/print.pdf", views.child_print, name="print"),
    path("<int:pk>/edit/", views.child_edit, name="edit"),
    path("<int:pk>/family/new/", views.family_edit, name="family_create"),
    path("<int:pk>/family/<int:member_pk>/", views.family_edit, name="family_edit"),
    path("<int:pk>/family/<int:member_pk>/delete/", views.family_delete, name="family_delete"),
    path("<int:pk>/reveal/", views.child_reveal, name="reveal"),
    path("<int:pk>/consent/new/", views.consent_create, name="consent_create"),
    path("<int:pk>/verify/", views.child_verify, name="verify"),
    path("<int:pk>/duplicates/", views.child_duplicates, name="duplicates"),
    path("<int:pk>/merge/<int:other_pk>/", views.child_merge, name="merge"),
    path("", include("tongban.children.import_urls")),
]
