from django.urls import path

from rewards.shop import views

app_name = "shop"
urlpatterns = [
    path("boutique/", views.shop, name="shop"),
    path("boutique/<slug:slug>/", views.gift_detail, name="gift"),
    path("boutique/<slug:slug>/echanger/", views.gift_redeem, name="redeem"),
    path("mon-club/bons/", views.vouchers, name="vouchers"),
    path("mon-club/bons/<str:code>/", views.voucher, name="voucher"),
    path("mon-club/bons/<str:code>/annuler/", views.voucher_cancel, name="voucher_cancel"),
    path("equipe/bons/", views.desk, name="desk"),
    path("equipe/bons/<str:code>/remettre/", views.desk_collect, name="desk_collect"),
    path("equipe/bons/<str:code>/annuler/", views.desk_cancel, name="desk_cancel"),
]
