from django.urls import path

from portal.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.home, name="home"),
    path("credits/", views.credits, name="credits"),
    path("credits/buy/", views.buy, name="buy"),
    path("book/", views.book, name="book"),
    path("bookings/", views.bookings, name="bookings"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking"),
    path("bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("bookings/<int:pk>/letter/", views.letter, name="letter"),
]
