"""Staff pages of surveys: results, charts, exports (namespace `survey_results`)."""

app_name = "survey_results"
urlpatterns: list = []
