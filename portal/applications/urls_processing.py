from django.urls import path

from portal.applications import views_processing as views

# After payment: the employer's endorsements and answers to holds, and the lists of the JIB's stages.
urlpatterns = [
    path("<int:pk>/endorse/<str:which>/", views.endorse, name="endorse"),
    path("<int:pk>/supply/", views.supply, name="supply"),
    path("produced/", views.produced, name="produced"),
    path("completed/", views.completed, name="completed"),
]
