"""Screening import and ledger export, included by tongban/children/urls.py under /children/."""

from django.urls import path

from tongban.children import import_views as views

urlpatterns = [
    path("import/", views.import_upload, name="import_upload"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/columns/", views.import_columns, name="import_columns"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("export/", views.export_options, name="export_options"),
    path("export.xlsx", views.export_xlsx, name="export"),
]
