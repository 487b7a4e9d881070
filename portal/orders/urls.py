from django.urls import path

from portal.orders import views

app_name = "orders"
urlpatterns = [
    path("", views.attention, name="attention"),
    path("being-fulfilled/", views.fulfilled, name="fulfilled"),
    path("financial-history/", views.history, name="history"),
    path("receipts/<int:pk>/", views.receipt, name="receipt"),
    path("receipts/funds/<int:pk>/", views.funds_receipt, name="funds_receipt"),
    path("add-applications/", views.add_applications, name="add_applications"),
    path("new/", views.new_order, name="new"),
    path("new-advance/", views.new_advance_order, name="new_advance"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/pay/", views.pay, name="pay"),
    path("<int:pk>/pay/card/", views.pay_card, name="pay_card"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
