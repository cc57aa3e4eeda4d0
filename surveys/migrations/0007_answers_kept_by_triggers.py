"""Answers keep to their submission, question, choice and row by triggers, not foreign keys.

PostgreSQL checks a foreign key row by row: for a 20-question response (34
answers) that was about a hundred lookups, each locking the row it found, which
took more of the server's time than writing the answers themselves. The
answers' statement-level trigger (0006) already reads those rows for the whole
statement at once; it now also refuses an answer whose submission, question,
choice or row does not exist, after holding the submissions and their surveys
(`FOR KEY SHARE`, what a foreign key would hold) until the commit.

The other side of a foreign key is kept by row triggers on the referenced
tables: deleting a question, choice or row that answers point to, moving it to
another question or survey, or changing a submission's survey once it has
answers, raises `foreign_key_violation` (what the foreign key raised). Before
looking for answers it locks the survey row `FOR UPDATE`, which waits for every
response in flight (they hold it `FOR KEY SHARE`), so a response and a deletion
cannot both pass. Deleting a submission deletes its answers (the foreign key's
`ON DELETE CASCADE`, which Django's collector does first anyway).

SQLite runs one writer at a time: row triggers say the same without locks.
Its table is rebuilt by the field changes (which drops triggers on it), so the
answers' triggers are installed again here.
"""

import django.db.models.deletion
from importlib import import_module

from django.db import migrations, models

_answers_belong = import_module("surveys.migrations.0006_answers_belong")

# No quote in them: they are written inside SQL string literals.
MESSAGE = _answers_belong.MESSAGE
ANSWERED = "answers point to this row: it cannot be deleted or moved"

POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION surveys_answer_belongs() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM 1 FROM surveys_submission s JOIN surveys_survey v ON v.id = s.survey_id
        WHERE s.id IN (SELECT DISTINCT submission_id FROM new_answers) FOR KEY SHARE;
        IF EXISTS (
            SELECT 1 FROM new_answers n
            LEFT JOIN surveys_submission s ON s.id = n.submission_id
            LEFT JOIN surveys_question q ON q.id = n.question_id
            LEFT JOIN surveys_surveypage p ON p.id = q.page_id
            LEFT JOIN surveys_choice c ON c.id = n.choice_id
            LEFT JOIN surveys_matrixrow r ON r.id = n.row_id
            WHERE s.id IS NULL OR p.survey_id IS NULL OR p.survey_id <> s.survey_id
               OR (n.choice_id IS NOT NULL AND c.question_id IS DISTINCT FROM n.question_id)
               OR (n.row_id IS NOT NULL AND r.question_id IS DISTINCT FROM n.question_id)
        ) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END
    $$
    """,  # noqa: S608 - fixed names and constant messages
    # A question, choice, matrix row or page that answers point to: not deleted, not moved.
    f"""
    CREATE OR REPLACE FUNCTION surveys_answered_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        old_survey bigint;
        used boolean;
    BEGIN
        IF TG_TABLE_NAME = 'surveys_surveypage' THEN
            old_survey := OLD.survey_id;
            IF NEW.id = OLD.id AND NEW.survey_id = OLD.survey_id THEN
                RETURN NEW;
            END IF;
        ELSIF TG_TABLE_NAME = 'surveys_question' THEN
            SELECT survey_id INTO old_survey FROM surveys_surveypage WHERE id = OLD.page_id;
            IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND old_survey IS NOT DISTINCT FROM
                    (SELECT survey_id FROM surveys_surveypage WHERE id = NEW.page_id) THEN
                RETURN NEW;
            END IF;
        ELSE
            IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.question_id = OLD.question_id THEN
                RETURN NEW;
            END IF;
            SELECT p.survey_id INTO old_survey FROM surveys_question q
            JOIN surveys_surveypage p ON p.id = q.page_id WHERE q.id = OLD.question_id;
        END IF;
        PERFORM 1 FROM surveys_survey WHERE id = old_survey FOR UPDATE;
        used := CASE TG_TABLE_NAME
            WHEN 'surveys_surveypage' THEN EXISTS (
                SELECT 1 FROM surveys_answer a JOIN surveys_question q ON q.id = a.question_id WHERE q.page_id = OLD.id)
            WHEN 'surveys_question' THEN EXISTS (SELECT 1 FROM surveys_answer WHERE question_id = OLD.id)
            WHEN 'surveys_choice' THEN EXISTS (SELECT 1 FROM surveys_answer WHERE choice_id = OLD.id)
            ELSE EXISTS (SELECT 1 FROM surveys_answer WHERE row_id = OLD.id)
        END;
        IF used THEN
            RAISE EXCEPTION '{ANSWERED}' USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
    END
    $$
    """,  # noqa: S608 - fixed names and constant messages
    *[
        f"CREATE TRIGGER {table}_answered_keep BEFORE {operations} ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION surveys_answered_keep()"
        for table, operations in (
            ("surveys_question", "DELETE OR UPDATE OF id, page_id"),
            ("surveys_choice", "DELETE OR UPDATE OF id, question_id"),
            ("surveys_matrixrow", "DELETE OR UPDATE OF id, question_id"),
            ("surveys_surveypage", "UPDATE OF id, survey_id"),
        )
    ],
    # A submission's answers go with it; its survey does not change once it has answers.
    """
    CREATE OR REPLACE FUNCTION surveys_submission_answers_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM surveys_answer WHERE submission_id IN (SELECT id FROM old_submissions);
        RETURN NULL;
    END
    $$
    """,  # noqa: S608 - fixed names and constant messages
    "CREATE TRIGGER surveys_submission_answers_delete AFTER DELETE ON surveys_submission "
    "REFERENCING OLD TABLE AS old_submissions FOR EACH STATEMENT EXECUTE FUNCTION surveys_submission_answers_delete()",
    f"""
    CREATE OR REPLACE FUNCTION surveys_submission_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (NEW.id <> OLD.id OR NEW.survey_id <> OLD.survey_id)
                AND EXISTS (SELECT 1 FROM surveys_answer WHERE submission_id = OLD.id) THEN
            RAISE EXCEPTION '{ANSWERED}' USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,  # noqa: S608 - fixed names and constant messages
    "CREATE TRIGGER surveys_submission_keep BEFORE UPDATE OF id, survey_id ON surveys_submission "
    "FOR EACH ROW EXECUTE FUNCTION surveys_submission_keep()",
]
POSTGRES_UNINSTALL = [
    *[
        f"DROP TRIGGER IF EXISTS {table}_answered_keep ON {table}"
        for table in ("surveys_question", "surveys_choice", "surveys_matrixrow", "surveys_surveypage")
    ],  # fmt: skip
    "DROP TRIGGER IF EXISTS surveys_submission_answers_delete ON surveys_submission",
    "DROP TRIGGER IF EXISTS surveys_submission_keep ON surveys_submission",
    "DROP FUNCTION IF EXISTS surveys_answered_keep()",
    "DROP FUNCTION IF EXISTS surveys_submission_answers_delete()",
    "DROP FUNCTION IF EXISTS surveys_submission_keep()",
]

_SQLITE_USED = {
    "surveys_surveypage": "EXISTS (SELECT 1 FROM surveys_answer a JOIN surveys_question q ON q.id = a.question_id "
    "WHERE q.page_id = OLD.id)",
    "surveys_question": "EXISTS (SELECT 1 FROM surveys_answer WHERE question_id = OLD.id)",
    "surveys_choice": "EXISTS (SELECT 1 FROM surveys_answer WHERE choice_id = OLD.id)",
    "surveys_matrixrow": "EXISTS (SELECT 1 FROM surveys_answer WHERE row_id = OLD.id)",
    "surveys_submission": "EXISTS (SELECT 1 FROM surveys_answer WHERE submission_id = OLD.id)",
}
_SQLITE_MOVED = {
    "surveys_surveypage": "NEW.id <> OLD.id OR NEW.survey_id <> OLD.survey_id",
    "surveys_question": "NEW.id <> OLD.id OR (SELECT survey_id FROM surveys_surveypage WHERE id = NEW.page_id) "
    "IS NOT (SELECT survey_id FROM surveys_surveypage WHERE id = OLD.page_id)",
    "surveys_choice": "NEW.id <> OLD.id OR NEW.question_id <> OLD.question_id",
    "surveys_matrixrow": "NEW.id <> OLD.id OR NEW.question_id <> OLD.question_id",
    "surveys_submission": "NEW.id <> OLD.id OR NEW.survey_id <> OLD.survey_id",
}
_SQLITE_UPDATED_COLUMNS = {
    "surveys_surveypage": "id, survey_id",
    "surveys_question": "id, page_id",
    "surveys_choice": "id, question_id",
    "surveys_matrixrow": "id, question_id",
    "surveys_submission": "id, survey_id",
}
SQLITE_INSTALL = [
    *_answers_belong.SQLITE_INSTALL,  # the answers' own, dropped with their table when it was rebuilt
    *[
        f"CREATE TRIGGER IF NOT EXISTS {table}_answered_delete BEFORE DELETE ON {table} "
        f"WHEN {_SQLITE_USED[table]} BEGIN SELECT RAISE(ABORT, '{ANSWERED}'); END"
        for table in ("surveys_question", "surveys_choice", "surveys_matrixrow")
    ],
    *[
        f"CREATE TRIGGER IF NOT EXISTS {table}_answered_update BEFORE UPDATE OF {columns} ON {table} "
        f"WHEN ({_SQLITE_MOVED[table]}) AND {_SQLITE_USED[table]} BEGIN SELECT RAISE(ABORT, '{ANSWERED}'); END"
        for table, columns in _SQLITE_UPDATED_COLUMNS.items()
    ],
    "CREATE TRIGGER IF NOT EXISTS surveys_submission_answers_delete AFTER DELETE ON surveys_submission "
    "BEGIN DELETE FROM surveys_answer WHERE submission_id = OLD.id; END",
]
SQLITE_UNINSTALL = [
    *[
        f"DROP TRIGGER IF EXISTS {table}_answered_delete"
        for table in ("surveys_question", "surveys_choice", "surveys_matrixrow")
    ],  # fmt: skip
    *[f"DROP TRIGGER IF EXISTS {table}_answered_update" for table in _SQLITE_UPDATED_COLUMNS],
    "DROP TRIGGER IF EXISTS surveys_submission_answers_delete",
]


_run = _answers_belong._run


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0006_answers_belong"),
    ]

    operations = [
        migrations.AlterField(
            model_name="answer",
            name="choice",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="answers",
                to="surveys.choice",
            ),
        ),
        migrations.AlterField(
            model_name="answer",
            name="question",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="answers",
                to="surveys.question",
            ),
        ),
        migrations.AlterField(
            model_name="answer",
            name="row",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="answers",
                to="surveys.matrixrow",
            ),
        ),
        migrations.AlterField(
            model_name="answer",
            name="submission",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="answers",
                to="surveys.submission",
            ),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_INSTALL, "sqlite": SQLITE_INSTALL}),
            _run({"postgresql": POSTGRES_UNINSTALL, "sqlite": SQLITE_UNINSTALL}),
        ),
    ]
