from django.urls import path

from tongban.exports import views

app_name = "exports"
urlpatterns = [
    path("<int:pk>/", views.export_detail, name="detail"),
    path("<int:pk>/download/", views.export_download, name="download"),
]
