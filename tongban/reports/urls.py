from django.urls import path

from tongban.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.statistics_page, name="statistics"),
    path("statistics.xlsx", views.statistics_excel, name="excel"),
    path("statistics.pdf", views.statistics_pdf, name="pdf"),
    path("report/", views.report_draft, name="report"),
    path("report/export/", views.report_export, name="report_export"),
]
