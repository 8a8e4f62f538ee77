from django.urls import path

from tongban.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("birthdays/", views.birthday_list, name="birthdays"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/attendance/", views.activity_attendance, name="attendance"),
    path("<int:pk>/invite/", views.activity_invite, name="invite"),
    path("<int:pk>/volunteers/", views.activity_volunteer, name="volunteer"),
    path("<int:pk>/photos/", views.activity_photo_upload, name="photo_upload"),
    path("photos/<int:pk>/", views.activity_photo, name="photo"),
]
