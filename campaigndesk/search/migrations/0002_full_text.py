"""The full-text index of `search_document.segmented`, per database.

SQLite: an FTS5 table over the column (external content, so the text is stored once) kept in
step by triggers on every insert, update and delete, also of bulk writes. The tokenizer keeps
diacritics, as PostgreSQL's `simple` configuration does, so both find the same documents.
PostgreSQL: a GIN index on the expression the queries use, `to_tsvector('simple', segmented)`.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE search_document_fts USING fts5(
        segmented,
        content='search_document',
        content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )
    """,
    """
    CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_document BEGIN
        INSERT INTO search_document_fts(rowid, segmented) VALUES (new.id, new.segmented);
    END
    """,
    """
    CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_document BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, segmented)
        VALUES ('delete', old.id, old.segmented);
    END
    """,
    """
    CREATE TRIGGER search_document_fts_update AFTER UPDATE ON search_document BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, segmented)
        VALUES ('delete', old.id, old.segmented);
        INSERT INTO search_document_fts(rowid, segmented) VALUES (new.id, new.segmented);
    END
    """,
    # Rows written before this migration (none on a fresh database) enter the index too.
    "INSERT INTO search_document_fts(search_document_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_document_fts_update",
    "DROP TRIGGER IF EXISTS search_document_fts_delete",
    "DROP TRIGGER IF EXISTS search_document_fts_insert",
    "DROP TABLE IF EXISTS search_document_fts",
]
POSTGRESQL_FORWARD = [
    "CREATE INDEX search_document_fulltext ON search_document "
    "USING gin (to_tsvector('simple', segmented))",
]
POSTGRESQL_BACKWARD = ["DROP INDEX IF EXISTS search_document_fulltext"]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
}


def forward(apps, schema_editor):
    for sql in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    for sql in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
