from django.urls import path

from tongban.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.statistics_page, name="statistics"),
]
