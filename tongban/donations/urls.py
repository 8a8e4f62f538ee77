from django.urls import path

from tongban.donations import views

app_name = "donations"
urlpatterns = [
    path("", views.donation_list, name="list"),
    path("totals/", views.donation_totals, name="totals"),
    path("donors/", views.donor_list, name="donors"),
    path("donors/new/", views.donor_create, name="donor_create"),
    path("donors/<int:pk>/", views.donor_detail, name="donor"),
    path("donors/<int:pk>/donate/", views.donation_create, name="create"),
    path("<int:pk>/", views.donation_detail, name="detail"),
    path("<int:pk>/allocate/", views.donation_allocate, name="allocate"),
    path("<int:pk>/receipt.pdf", views.donation_receipt, name="receipt"),
]
