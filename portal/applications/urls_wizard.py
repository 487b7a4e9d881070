from django.urls import path

from portal.applications import views_wizard as views

# The employer's journey: start, steps 1, 3 and 4, Applications Requiring Attention and an application's page.
urlpatterns = [
    path("", views.attention, name="attention"),
    path("start/", views.start, name="start"),
    path("unfinalise/", views.unfinalise, name="unfinalise"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/applicant/", views.step1, name="step1"),
    path("<int:pk>/photo/", views.photo, name="photo"),
    path("<int:pk>/occupations/", views.step3, name="step3"),
    path("<int:pk>/finalise/", views.step4, name="step4"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
