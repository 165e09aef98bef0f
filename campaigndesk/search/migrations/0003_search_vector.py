"""PostgreSQL: the words of `segmented` stored as a tsvector (a generated column) and the GIN
index on it, instead of the index on the expression: the ranking (`ts_rank`) and a match
checked row by row then read the stored vector instead of parsing the text again. Nothing on
SQLite, whose FTS5 table stores its own index."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE search_document ADD COLUMN search_vector tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple', segmented)) STORED",
    "CREATE INDEX search_document_vector ON search_document USING gin (search_vector)",
    "DROP INDEX IF EXISTS search_document_fulltext",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS search_document_fulltext ON search_document "
    "USING gin (to_tsvector('simple', segmented))",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
