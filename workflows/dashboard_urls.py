from django.urls import path

from workflows import dashboard_views

app_name = "dashboards"

urlpatterns = [
    path("<slug:label>/", dashboard_views.flow_dashboard_view, name="flow"),
    path("<slug:label>/cases/", dashboard_views.flow_cases_view, name="cases"),
]
