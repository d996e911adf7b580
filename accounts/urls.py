from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import LoginForm, OwnPasswordChangeForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            form_class=OwnPasswordChangeForm,
            success_url="/",
        ),
        name="password_change",
    ),
    path("large-text/", views.large_text, name="large_text"),
]
