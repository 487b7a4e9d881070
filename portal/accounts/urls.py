from django.urls import path

from portal.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.signin, name="signin"),
    path("sign-in/code/", views.code, name="code"),
    path("sign-in/code/resend/", views.resend, name="resend"),
    path("sign-out/", views.signout, name="signout"),
    path("security/", views.security, name="security"),
    path("sms-outbox/", views.outbox, name="outbox"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
]
