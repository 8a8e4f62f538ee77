from django.urls import path

from tongban.volunteers import views

app_name = "volunteers"
urlpatterns = [
    path("", views.volunteer_list, name="list"),
    path("new/", views.volunteer_create, name="create"),
    path("mine/", views.my_pairings, name="mine"),
    path("<int:pk>/", views.volunteer_detail, name="detail"),
    path("<int:pk>/edit/", views.volunteer_edit, name="edit"),
    path("<int:pk>/certificate/", views.volunteer_certificate, name="certificate"),
    path("pairings/new/", views.pairing_create, name="pairing_create"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing"),
    path("pairings/<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("pairings/<int:pk>/end/", views.pairing_end, name="pairing_end"),
]
