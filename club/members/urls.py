from django.urls import path

from club.members import views

app_name = "members"
urlpatterns = [
    path("carte/", views.card, name="card"),
    path("profil/", views.profile, name="profile"),
    path("verification/", views.verify_needed, name="verify_needed"),
    path("verification/renvoyer/", views.resend_verification, name="resend_verification"),
]
