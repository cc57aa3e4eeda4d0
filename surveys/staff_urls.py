"""Staff pages of surveys: results, charts, exports (namespace `survey_results`, under /equipe/enquetes/)."""

from django.urls import path

from surveys import staff_views

app_name = "survey_results"
urlpatterns = [
    path("", staff_views.survey_list, name="list"),
    path("<int:pk>/", staff_views.survey_results_page, name="results"),
    path("<int:pk>/questions/<int:question_pk>/reponses/", staff_views.survey_texts_page, name="texts"),
    path("<int:pk>/export.csv", staff_views.survey_csv, name="csv"),
    path("<int:pk>/excel/", staff_views.survey_xlsx_request, name="xlsx"),
    path("<int:pk>/excel/<int:export_pk>/", staff_views.survey_xlsx_progress, name="xlsx_progress"),
    path("<int:pk>/excel/<int:export_pk>/fichier/", staff_views.survey_xlsx_download, name="xlsx_download"),
]
