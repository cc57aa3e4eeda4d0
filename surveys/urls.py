"""Member pages of surveys and polls (namespace `surveys`), under /participer/enquetes/."""

from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/page-<int:page>/", views.answer, name="answer"),
    path("<slug:slug>/merci/", views.done, name="done"),
    path("<slug:slug>/apercu/", views.preview, name="preview"),
    path("<slug:slug>/voter/", views.poll_vote, name="poll_vote"),
]
