from django.urls import path

from . import views

app_name = "deputies"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("photo/<str:code>/", views.photo, name="photo"),
]
