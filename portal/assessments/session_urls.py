"""The delegate's remote session: /assessment/<token>/ opens it (the single-use link), the rest follows in the
browser that opened it."""

from django.urls import path

from portal.assessments import session_views as views

app_name = "assessment_session"
urlpatterns = [
    path("session/", views.resume, name="resume"),
    path("session/verify/", views.verify, name="verify"),
    path("session/photo/<str:kind>/", views.photo, name="photo"),
    path("session/photo/<str:kind>/view/", views.verification_photo, name="photo_view"),
    path("session/confirm/", views.confirm, name="confirm"),
    path("session/assessment/", views.assessment, name="assessment"),
    path("session/claim/", views.claim, name="claim"),
    path("session/state/", views.state, name="state"),
    path("session/answer/", views.answer, name="answer"),
    path("session/move/", views.move, name="move"),
    path("session/review/", views.review, name="review"),
    path("session/prompt/", views.prompt, name="prompt"),
    path("session/focus/", views.focus, name="focus"),
    path("session/submit/", views.submit, name="submit"),
    path("session/done/", views.done, name="done"),
    path("<str:token>/", views.open_link, name="open"),
]
