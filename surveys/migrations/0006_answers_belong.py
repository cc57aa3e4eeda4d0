"""The database refuses an answer that does not belong.

Its question must be of the submission's survey, its choice and matrix row of its question.

The relations cross three tables (answer → question → page → survey, and
answer → submission → survey), so no foreign key can say it; a trigger does.
On PostgreSQL one statement-level trigger checks every row an INSERT or UPDATE
wrote (a transition table, one query for a whole response); on SQLite a row
trigger does. Both raise an integrity-class error, which Django raises as
`IntegrityError`.
"""

from django.db import migrations

# No quote in it: it is written inside SQL string literals.
MESSAGE = "an answer must belong to the survey of its submission, and its choice and row to its question"

POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION surveys_answer_belongs() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM new_answers n
            JOIN surveys_question q ON q.id = n.question_id
            JOIN surveys_surveypage p ON p.id = q.page_id
            JOIN surveys_submission s ON s.id = n.submission_id
            LEFT JOIN surveys_choice c ON c.id = n.choice_id
            LEFT JOIN surveys_matrixrow r ON r.id = n.row_id
            WHERE p.survey_id <> s.survey_id
               OR (n.choice_id IS NOT NULL AND c.question_id IS DISTINCT FROM n.question_id)
               OR (n.row_id IS NOT NULL AND r.question_id IS DISTINCT FROM n.question_id)
        ) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END
    $$
    """,  # noqa: S608 - fixed names and a constant message
    *[
        f"CREATE TRIGGER surveys_answer_belongs_{operation.lower()} AFTER {operation} ON surveys_answer "
        "REFERENCING NEW TABLE AS new_answers FOR EACH STATEMENT EXECUTE FUNCTION surveys_answer_belongs()"
        for operation in ("INSERT", "UPDATE")
    ],
]
POSTGRES_UNINSTALL = [
    "DROP TRIGGER IF EXISTS surveys_answer_belongs_insert ON surveys_answer",
    "DROP TRIGGER IF EXISTS surveys_answer_belongs_update ON surveys_answer",
    "DROP FUNCTION IF EXISTS surveys_answer_belongs()",
]
_SQLITE_WHEN = (
    "(NEW.choice_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM surveys_choice "
    "WHERE id = NEW.choice_id AND question_id = NEW.question_id)) "
    "OR (NEW.row_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM surveys_matrixrow "
    "WHERE id = NEW.row_id AND question_id = NEW.question_id)) "
    "OR NOT EXISTS (SELECT 1 FROM surveys_question q JOIN surveys_surveypage p ON p.id = q.page_id "
    "JOIN surveys_submission s ON s.survey_id = p.survey_id WHERE q.id = NEW.question_id AND s.id = NEW.submission_id)"
)
SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS surveys_answer_belongs_{operation.lower()} BEFORE {operation} ON surveys_answer "
    f"WHEN {_SQLITE_WHEN} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    for operation in ("INSERT", "UPDATE")
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS surveys_answer_belongs_insert",
    "DROP TRIGGER IF EXISTS surveys_answer_belongs_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("surveys", "0005_pending_anonymous_responses")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_INSTALL, "sqlite": SQLITE_INSTALL}),
            _run({"postgresql": POSTGRES_UNINSTALL, "sqlite": SQLITE_UNINSTALL}),
        )
    ]
