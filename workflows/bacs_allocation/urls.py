from django.urls import path

from workflows.bacs_allocation import views

app_name = "finance"

urlpatterns = [
    path("", views.finance_index, name="index"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
]
