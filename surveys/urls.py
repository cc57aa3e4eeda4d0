"""Member pages of surveys and polls (namespace `surveys`)."""

app_name = "surveys"
urlpatterns: list = []
